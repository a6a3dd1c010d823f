//! Projects with every kind of calculation line: the constants and files the line tests and
//! the LibreOffice test share (test data where a value is not published: labelled so).

use std::path::{Path, PathBuf};

/// A test-only spend factor set (not a published value).
pub const SPEND_TOML: &str = "set = \"office-eeio\"\nedition = \"2022\"\ndescription = \"test data: a spend factor in 2022 GBP (not a published value)\"\n[citation]\npublisher = \"carbonledger tests\"\ntitle = \"test spend factor\"\npublished = \"2022-01-01\"\ntable = \"test\"\nlicence = \"test data\"\nurl = \"https://example.invalid/test\"\n";
pub const SPEND_CSV: &str = "key,value,unit,gas,basis,table,note\noffice_supplies,0.5,kg CO2e/GBP,CO2e,spend;price_year=2022,test,test data\n";

/// A test-only per-TEU-km intensity (not a published value: it exists to exercise the unit).
pub const TEU_TOML: &str = "set = \"test-teu\"\nedition = \"t1\"\ndescription = \"test-only per-TEU-km intensity (not a published value)\"\n[citation]\npublisher = \"carbonledger tests\"\ntitle = \"test-only\"\npublished = \"2026\"\ntable = \"-\"\nlicence = \"-\"\nurl = \"https://example.invalid/test\"\n";
pub const TEU_CSV: &str = "key,value,unit,gas,basis,table,note\n\
container,50,g CO2e/TEUkm,CO2e,wtw,-,test: per TEU-km\n\
air.container,50,g CO2e/TEUkm,CO2e,wtw,-,test: per TEU-km by air\n";

pub const SCOPE3_HEADER: &str = "category,period,description,quantity,unit,method,factor,supplier,price_year,supplier_emissions,supplier_emissions_unit,allocation_basis,supplier_total,supplier_total_unit,note,per_item,per_item_unit\n";

/// scope3.csv rows: a spend, three supplier allocations (one whose share does not
/// terminate), an average-data line, and two per-item rows (categories 11 and 12).
pub const SCOPE3_ROWS: &str = "\
1,2025,office supplies,10000,GBP,spend_based,office-eeio:office_supplies,Stationers Ltd,2022,,,,,,,,
1,2025,brackets,30,t,supplier_specific,,Brackets plc,,1200,t,mass,2400,t,,,
1,2025,hinges,1,t,supplier_specific,,Hinges plc,,1000,t,mass,3,t,,,
1,2025,castings (supplier's scope 1+2),250000,GBP,hybrid,,Castings Ltd,,800,t CO2e,revenue,10000000,GBP,,,
1,2025,castings: aluminium input,5,t,hybrid,desnz-materials:aluminium.primary,Castings Ltd,,,,,,,,,
11,2025,phones sold in China,1000000,item,average_data,cn-mee-grid:national,,,,,,,,,12,kWh
12,2025,phones at end of life,1200000,item,average_data,desnz-waste:weee_small.landfill,,,,,,,,,0.2,kg
";

pub const SHIPMENTS_HEADER: &str = "shipment,leg,period,mass,mass_unit,mode,origin,destination,distance,distance_unit,origin_lat,origin_lon,destination_lat,destination_lon,baseline_mode,baseline_distance,baseline_distance_unit,lane,saf_share_pct,saf_fuel,factor,cargo_per_teu,cargo_per_teu_unit,note\n";

/// Legs priced per TEU-km: 10 t of cargo per TEU (terminates), 7 t (does not), the second
/// shifted from air (its lines deducted from the counterfactual's), and an air leg flown with a
/// 35% SAF blend (its reduction deducted: a line of five steps).
pub const TEU_ROWS: &str = "\
TEU-A,1,2025,20,t,sea_container,X,Y,1000,km,,,,,,,,,,,test-teu:container,10,t,
TEU-B,1,2025,20,t,sea_container,X,Y,1000,km,,,,,air,800,km,teu_lane,,,test-teu:container,7,t,
TEU-C,1,2025,20,t,air,X,Y,1000,km,,,,,,,,,35,icao-corsia:hefa.uco,test-teu:air.container,7,t,
";

pub const ABATEMENT_HEADER: &str =
    "id,facility,period,kind,quantity,unit,displaces,efficiency,scope,status,note\n";

/// A supplier's renewable generation displacing an explicit per-gas factor (CH4, GWP 28).
pub const ABATEMENT_ROW: &str =
    "pv_us,,2025,supplier_renewable,1,GJ,us-epa-hub:egrid.akgd.ch4,,scope3.cat1,expected,\n";

/// The other kinds of abatement line: fuel saved by mass, heat recovered at an efficiency whose
/// division does not terminate, electricity saved at an explicit per-gas factor through the
/// facility's chain.
pub const MORE_ABATEMENT: &str = "\
gas_saved,BJ-CAR,2025,fuel_saved,100,t,natural_gas,,scope1,realised,
heat_thirds,BJ-CAR,2025,heat_recovered,1000,GJ,natural_gas,0.3,scope1,realised,
saved_ch4,BJ-CAR,2025,electricity_saved,7,MWh,us-epa-hub:egrid.akgd.ch4,,scope2,realised,
";

pub const EDITIONS_2025: &str = "desnz = \"2025\"\ndesnz-materials = \"2025\"\ndesnz-waste = \"2025\"\noffice-eeio = \"2022\"\ntest-teu = \"t1\"\nus-epa-hub = \"2025\"\n";

pub fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// The reference fixture copied to `dir`, plus purchased heat and steam, scope3.csv (spend,
/// allocations, hybrid, per item), per-TEU-km legs (one shifted from air), an explicit per-gas
/// displaced factor and metrics: every kind of line there is.
pub fn every_kind_project(dir: &Path) -> PathBuf {
    let dir = dir.to_path_buf();
    super::lines::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025"),
        &dir,
    );
    let toml = std::fs::read_to_string(dir.join("carbonledger.toml")).unwrap();
    let toml = toml.replace(
        "[years.2025.editions]\n",
        &format!(
            "[years.2025.editions]\n{}",
            EDITIONS_2025.replace("desnz = \"2025\"\n", "")
        ),
    );
    write(&dir, "carbonledger.toml", &toml);
    write(&dir, "factors/office-eeio/2022/edition.toml", SPEND_TOML);
    write(&dir, "factors/office-eeio/2022/factors.csv", SPEND_CSV);
    write(&dir, "factors/test-teu/t1/edition.toml", TEU_TOML);
    write(&dir, "factors/test-teu/t1/factors.csv", TEU_CSV);
    write(&dir, "scope3.csv", &format!("{SCOPE3_HEADER}{SCOPE3_ROWS}"));
    write(
        &dir,
        "metrics.csv",
        "period,metric,value,unit,note\n2024,revenue,365906000000,CNY,\n2025,revenue,365906000000,CNY,\n",
    );
    let append = |file: &str, text: &str| {
        let mut s = std::fs::read_to_string(dir.join(file)).unwrap();
        s.push_str(text);
        std::fs::write(dir.join(file), s).unwrap();
    };
    append("shipments.csv", TEU_ROWS);
    append("abatement.csv", ABATEMENT_ROW);
    append("abatement.csv", MORE_ABATEMENT);
    // A supplier rate for part of a facility's electricity: a per-gas factor in lb/MWh, chosen
    // to exercise the unit (not a Chinese supplier's published rate).
    append(
        "instruments.csv",
        "SUP-2025-HOME,supplier_specific,WH-HOME,2025,100,MWh,CN,,,us-epa-hub:egrid.akgd.co2,supplier rate\n",
    );
    append(
        "energy.csv",
        "BJ-CAR,2025,heat,1000,GJ,,,\nBJ-CAR,2024,steam,700,GJ,,,\n",
    );
    dir
}
