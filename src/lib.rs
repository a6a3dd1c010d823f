//! carbonledger: exact, unit-safe, cited carbon and energy accounting.
pub mod activity;
pub mod calc;
pub mod claims;
pub mod decimal;
pub mod diag;
pub mod export;
pub mod factors;
pub mod figures;
pub mod freight;
pub mod ingest;
pub mod ledger;
pub mod products;
pub mod project;
pub mod register;
pub mod renewables;
pub mod report;
pub mod units;
