-- Sign-in limits per account and address, API tokens that expire, and passwords that must be
-- changed once used.
--
-- Failed sign-ins are counted per (account, address) pair, so that one person's mistakes or an
-- attacker's guesses lock out that pair only, never the same account from another address.
--
-- Every API token now expires. Tokens made before expiry existed get 90 days, the default, from
-- the moment this migration runs, rather than living forever.
--
-- A password printed on the command line (the first admin's, `liaison user add`, `liaison user
-- reset-password`) is good for one sign-in: `must_change_password` marks it, and the session it
-- opens may only choose a new password.

CREATE INDEX login_attempts_pair ON login_attempts (username, address, at);

ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
UPDATE api_tokens
SET expires_at = to_char((now() AT TIME ZONE 'UTC') + interval '90 days',
                         'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
WHERE expires_at IS NULL;
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
