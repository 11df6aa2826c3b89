//! Liaison end to end, built as one test binary: each module is one part of the product, and
//! `common` starts a real server over a fresh database for each test. Run one part with
//! `cargo test -p liaison --test it pages::`.

#[macro_use]
mod common;

mod activity_form;
mod api;
mod browser;
mod cli;
mod concurrency;
mod documents;
mod files;
mod files_shown;
mod fixtures;
mod inputs;
mod lifecycle;
mod operations;
mod pages;
mod passports;
mod permissions;
mod personal;
mod references;
mod reminders;
mod review;
mod routes;
mod seeds;
mod sheets;
mod signin;
mod trip_reports;
mod trips;
mod workdays;
