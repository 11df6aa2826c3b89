//! Whether the database answers, for load balancers and service managers.

use crate::{Result, Store};

impl Store {
    /// Runs a trivial query on a reading connection and on a writing one, and answers the first
    /// error when either fails: closed pools, a server that is down or refuses the connection.
    ///
    /// A writing connection busy in a transaction is answering already; the check does not queue
    /// behind it, so a long import on SQLite's one writer never makes the process look down.
    pub async fn health(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        let max_writers = self.write.options().get_max_connections();
        let mut writer = match self.write.try_acquire() {
            Some(writer) => writer,
            None if !self.write.is_closed() && self.write.size() >= max_writers => return Ok(()),
            None => self.write.acquire().await?,
        };
        sqlx::query("SELECT 1").execute(&mut *writer).await?;
        Ok(())
    }
}
