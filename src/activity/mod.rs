//! Raw records → validated, typed activities, or diagnostics (all of them, not the first).

mod calendar;
mod carrier;
mod country;
mod dates;
mod facility;
mod period;
mod rows;
mod split;
mod terms;

pub use calendar::{fiscal_period_problem, Calendar, YearLabel};
pub use carrier::{Blend, Carrier, Scope};
pub use country::{is_country_code, suggest_country};
pub use dates::{days_between, days_in_month, Day};
pub use facility::{
    read_facilities, BoundaryEvent, Facilities, Facility, COLUMNS as FACILITY_COLUMNS,
};
pub use period::Period;
pub use rows::{
    canonical_gas, parse_energy_row, parse_fugitive_row, Activity, Source, Subject, ENERGY_COLUMNS,
    FUGITIVE_COLUMNS,
};
pub use split::{segments, split, Part, Segment, Split, SplitError, Window};
pub use terms::{read_facility_changes, Terms, TermsChange, COLUMNS as CHANGE_COLUMNS};
