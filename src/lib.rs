//! carbonledger: exact, unit-safe, cited carbon and energy accounting.
pub mod activity;
pub mod audit;
pub mod calc;
pub mod decimal;
pub mod diag;
pub mod export;
pub mod factors;
pub mod figures;
pub mod ingest;
pub mod ledger;
pub mod project;
pub mod register;
pub mod report;
pub mod units;
