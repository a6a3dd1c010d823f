//! Raw records → validated, typed activities, or diagnostics (all of them, not the first).

mod carrier;
mod country;
mod facility;
mod period;
mod rows;

pub use carrier::{Carrier, Scope};
pub use country::{is_country_code, suggest_country};
pub use facility::{read_facilities, Facilities, Facility, COLUMNS as FACILITY_COLUMNS};
pub use period::Period;
pub use rows::{
    canonical_gas, parse_energy_row, parse_fugitive_row, Activity, Source, Subject, ENERGY_COLUMNS,
    FUGITIVE_COLUMNS,
};
