//! Great-circle distance between two points given in decimal degrees — the crate's one
//! trigonometric calculation, and a declared floating-point boundary.
//!
//! Sines and arcsines have no exact decimal form, so this module computes with uom's typed
//! angles and lengths over `f64` storage. What crosses the boundary is fixed: the coordinates
//! come in as exact decimals (validated before they get here), and the distance leaves as a
//! `Decimal` number of kilometres **rounded to 0.001 km (1 m)**, half away from zero. Nothing
//! after that point is inexact; the rounding is stated in every trace that uses it and in
//! docs/methodology.md (section "Freight").
//!
//! The model is a sphere of radius 6371.0 km (the mean Earth radius recommended by the IUGG),
//! with the haversine formula. It differs from an ellipsoidal (WGS-84) geodesic by up to about
//! 0.5%; ISO 14083's "great-circle distance" for air legs is this spherical distance.
//!
//! The allowance below is narrow on purpose: this file only.
#![allow(clippy::disallowed_types, clippy::float_arithmetic)]

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{dec, Decimal};
use uom::si::angle::{degree, radian};
use uom::si::f64::{Angle, Length};
use uom::si::length::{kilometer, meter};

/// Mean Earth radius used for great-circle distances, in km (IUGG mean radius, to 0.1 km).
pub const EARTH_RADIUS_KM: Decimal = dec!(6371.0);

/// A point in decimal degrees, exactly as read (latitude −90..90, longitude −180..180).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Point {
    /// Latitude, degrees north.
    pub lat: Decimal,
    /// Longitude, degrees east.
    pub lon: Decimal,
}

/// Why a distance could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeodesyError {
    /// A coordinate outside its range.
    #[error("coordinate out of range: latitude {lat}, longitude {lon} (latitude −90..90, longitude −180..180)")]
    OutOfRange {
        /// Latitude given.
        lat: Decimal,
        /// Longitude given.
        lon: Decimal,
    },
    /// The floating-point result was not a finite number (should not happen for valid input).
    #[error("great-circle distance is not a finite number")]
    NotFinite,
}

impl Point {
    /// A validated point.
    pub fn new(lat: Decimal, lon: Decimal) -> Result<Point, GeodesyError> {
        if crate::decimal::abs_exceeds(lat, 90) || crate::decimal::abs_exceeds(lon, 180) {
            return Err(GeodesyError::OutOfRange { lat, lon });
        }
        Ok(Point { lat, lon })
    }

    fn angles(self) -> Result<(Angle, Angle), GeodesyError> {
        let lat = self.lat.to_f64().ok_or(GeodesyError::NotFinite)?;
        let lon = self.lon.to_f64().ok_or(GeodesyError::NotFinite)?;
        Ok((Angle::new::<degree>(lat), Angle::new::<degree>(lon)))
    }
}

/// The great-circle distance between `a` and `b` on a sphere of `radius_km`, in km, rounded
/// to 0.001 km.
///
/// ```
/// use carbonledger::freight::geodesy::{great_circle_km, Point, EARTH_RADIUS_KM};
/// // Rosetta Code, task "Haversine formula": Nashville BNA (36.12, −86.67) to Los Angeles LAX
/// // (33.94, −118.40) is 2886.444 km with a radius of 6371.0 km.
/// let bna = Point::new("36.12".parse().unwrap(), "-86.67".parse().unwrap()).unwrap();
/// let lax = Point::new("33.94".parse().unwrap(), "-118.40".parse().unwrap()).unwrap();
/// assert_eq!(great_circle_km(bna, lax, EARTH_RADIUS_KM).unwrap().to_string(), "2886.444");
/// ```
pub fn great_circle_km(a: Point, b: Point, radius_km: Decimal) -> Result<Decimal, GeodesyError> {
    let (lat1, lon1) = a.angles()?;
    let (lat2, lon2) = b.angles()?;
    let radius = Length::new::<kilometer>(radius_km.to_f64().ok_or(GeodesyError::NotFinite)?);
    let half_dlat = (lat2 - lat1) / 2.0;
    let half_dlon = (lon2 - lon1) / 2.0;
    let s_lat = half_dlat.sin().value;
    let s_lon = half_dlon.sin().value;
    let h = s_lat * s_lat + lat1.cos().value * lat2.cos().value * s_lon * s_lon;
    // Clamp: rounding can push h a hair above 1 for antipodal points.
    let central: Angle = Angle::new::<radian>(2.0 * h.clamp(0.0, 1.0).sqrt().asin());
    let distance: Length = radius * central.get::<radian>();
    let metres = distance.get::<meter>().round();
    if !metres.is_finite() {
        return Err(GeodesyError::NotFinite);
    }
    let whole = metres.to_i64().ok_or(GeodesyError::NotFinite)?;
    Ok(Decimal::new(whole, 3))
}
