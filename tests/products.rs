//! Product footprints, recycled content and ISO 22628 rates (issue #5): hand-computed cases,
//! the refusal of a per-energy factor on a material mass, and the reference fixture's claims.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use carbonledger::calc::RunOptions;
use carbonledger::ledger::Ledger;
use carbonledger::products::{contribution_table, product_ids, rates, Route};
use carbonledger::project::Project;
use common::d;
use rust_decimal::{Decimal, RoundingStrategy};
use std::path::{Path, PathBuf};

const FACILITIES: &str = "id,name,country,grid\nF1,Plant,CN,cn-mee-grid:north\n";
const ENERGY: &str = "facility,period,carrier,quantity,unit\nF1,2025,electricity,1,MWh\n";

/// A project with the given product files (none of them required).
fn products_project(products: &str, bom: &str, stages: &str) -> PathBuf {
    let dir = common::project(
        &common::manifest("operational_control", "2023"),
        FACILITIES,
        ENERGY,
        None,
    );
    std::fs::write(dir.join("products.csv"), products).unwrap();
    std::fs::write(dir.join("bom.csv"), bom).unwrap();
    std::fs::write(dir.join("product_stages.csv"), stages).unwrap();
    dir
}

fn ledger(dir: &Path) -> Ledger {
    let p = Project::open(dir).unwrap_or_else(|d| panic!("{d:#?}"));
    Ledger::compute(
        &p,
        RunOptions {
            strict: false,
            threads: 0,
        },
    )
    .unwrap_or_else(|d| panic!("{d:#?}"))
}

fn value(l: &Ledger, name: &str) -> Decimal {
    l.figure(name, 2025)
        .unwrap()
        .unwrap_or_else(|| panic!("no figure {name}"))
        .value
}

fn one_decimal(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
}

const WIDGET: &str = "id,name,category,functional_unit,year,facility\n\
widget,Widget,test,one widget 5 years,2025,F1\n";

const WIDGET_BOM: &str = "product,component,material,mass,unit,recycled_pct,primary_factor,recycled_factor,eol_route\n\
widget,frame,aluminium,2,kg,25,desnz-materials:aluminium.primary,desnz-materials:aluminium.closed_loop,\n\
widget,body,steel,5,kg,10,desnz-materials:steel.primary,desnz-materials:steel.closed_loop,\n\
widget,case,plastic,500,g,0,desnz-materials:plastics.average.primary,,\n";

const WIDGET_STAGES: &str = "product,stage,quantity,unit,years,factor,note\n\
widget,manufacturing,10,kWh,,,\n\
widget,distribution,0.5,tkm,,desnz@2025:freight.road.hgv,\n\
widget,use,20,kWh,5,cn-mee-grid:national,\n\
widget,end_of_life,7.5,kg,,desnz-materials:waste.weee_small.open_loop,\n";

/// Three materials with recycled content, cut-off approach, every step by hand.
/// Factors: DESNZ 2025 material use (kg CO2e per tonne), China MEE 2023 grid (2025 → edition
/// 2023 in the test manifest), DESNZ 2025 freight and waste disposal.
#[test]
fn hand_computed_three_material_footprint_with_recycled_content() {
    let l = ledger(&products_project(WIDGET, WIDGET_BOM, WIDGET_STAGES));
    // frame, 2 kg aluminium, r = 0.25:
    //   primary  (1 − 0.25) × 2 kg = 1.5 kg × 9115.90131 kg/t ÷ 1000 = 13.673851965
    //   recycled 0.25 × 2 kg = 0.5 kg × 995.07790 kg/t ÷ 1000      =  0.49753895
    //   frame = 14.171390915 kg CO2e
    assert_eq!(
        value(&l, "product.widget.component.frame.footprint"),
        d("14.171390915")
    );
    // body, 5 kg steel, r = 0.10:
    //   primary  4.5 kg × 2863.90131 ÷ 1000 = 12.887555895
    //   recycled 0.5 kg × 1823.90131 ÷ 1000 =  0.911950655
    //   body = 13.79950655 kg CO2e
    assert_eq!(
        value(&l, "product.widget.component.body.footprint"),
        d("13.79950655")
    );
    // case, 500 g = 0.5 kg plastic, r = 0: 0.5 × 3172.49932 ÷ 1000 = 1.58624966
    assert_eq!(
        value(&l, "product.widget.component.case.footprint"),
        d("1.58624966")
    );
    // materials = 14.171390915 + 13.79950655 + 1.58624966 = 29.557147125
    assert_eq!(
        value(&l, "product.widget.stage.materials"),
        d("29.557147125")
    );
    // manufacturing: 10 kWh × 0.6361 kg CO2/kWh (north, 2023) × GWP 1 = 6.361
    assert_eq!(value(&l, "product.widget.stage.manufacturing"), d("6.361"));
    // distribution: 0.5 tkm × 0.10163 kg CO2e/tkm = 0.050815
    assert_eq!(
        value(&l, "product.widget.stage.distribution"),
        d("0.050815")
    );
    // use: 20 kWh/yr × 5 yr = 100 kWh × 0.5306 (national, 2023) = 53.06
    assert_eq!(value(&l, "product.widget.stage.use"), d("53.06"));
    // end of life: 7.5 kg × 4.68568 kg/t ÷ 1000 = 0.0351426
    assert_eq!(
        value(&l, "product.widget.stage.end_of_life"),
        d("0.0351426")
    );
    // total = 29.557147125 + 6.361 + 0.050815 + 53.06 + 0.0351426 = 89.064104725
    assert_eq!(value(&l, "product.widget.footprint"), d("89.064104725"));
    // mass-weighted recycled shares: 0.5/2 = 25%, 0.5/5 = 10%, 0/0.5 = 0%
    assert_eq!(
        value(&l, "product.widget.recycled_share.aluminium"),
        d("25")
    );
    assert_eq!(value(&l, "product.widget.recycled_share.steel"), d("10"));
    assert_eq!(value(&l, "product.widget.recycled_share.plastic"), d("0"));
    assert_eq!(value(&l, "products.count"), d("1"));
    // no routes given: no ISO 22628 rates
    assert!(l
        .figure("product.widget.recyclability", 2025)
        .unwrap()
        .is_none());
    assert!(
        l.diagnostics.iter().all(|x| !x.is_error()),
        "{:?}",
        l.diagnostics
    );
}

#[test]
fn contribution_table_sums_exactly_to_the_footprint() {
    let l = ledger(&products_project(WIDGET, WIDGET_BOM, WIDGET_STAGES));
    let (lines, sum) = contribution_table(&l, "widget", 2025).unwrap().unwrap();
    // three components, then four stages
    let parts: Vec<String> = lines
        .iter()
        .map(|x| x.component.clone().unwrap_or_else(|| x.stage.clone()))
        .collect();
    assert_eq!(
        parts,
        [
            "frame",
            "body",
            "case",
            "manufacturing",
            "distribution",
            "use",
            "end_of_life"
        ]
    );
    assert_eq!(sum, d("89.064104725"));
    assert_eq!(sum, value(&l, "product.widget.footprint"));

    // And on every product of the reference fixture, exactly.
    let fx = ledger(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025"));
    let ids = product_ids(&fx);
    assert!(ids.len() > 20);
    for id in ids {
        let (_, sum) = contribution_table(&fx, &id, 2025).unwrap().unwrap();
        assert_eq!(sum, value(&fx, &format!("product.{id}.footprint")), "{id}");
    }
}

#[test]
fn a_per_kwh_factor_on_a_kilogram_of_material_is_refused() {
    let bom = "product,component,material,mass,unit,recycled_pct,primary_factor\n\
widget,frame,aluminium,2,kg,0,cn-mee-grid:north\n";
    let stages = "product,stage,quantity,unit,years,factor\n\
widget,end_of_life,2,kg,,desnz@2025:electricity_uk\n";
    let l = ledger(&products_project(WIDGET, bom, stages));
    let errs: Vec<_> = l.diagnostics.iter().filter(|x| x.is_error()).collect();
    assert_eq!(errs.len(), 2, "{errs:#?}");
    let b = errs[0];
    assert_eq!(b.code, "factor-dimension-mismatch");
    assert!(b.span.file.ends_with("bom.csv"));
    assert_eq!((b.span.line, b.span.column), (2, Some(7)));
    assert!(
        b.message
            .contains("cn-mee-grid@2023:north is per kWh (energy)")
            && b.message.contains("a per-kWh factor cannot apply to mass"),
        "{}",
        b.message
    );
    assert!(b.hint.as_deref().unwrap().contains("factor per mass"));
    let s = errs[1];
    assert_eq!(s.code, "factor-dimension-mismatch");
    assert!(s.span.file.ends_with("product_stages.csv"));
    assert_eq!((s.span.line, s.span.column), (2, Some(6)));
    // Both rows are rejected and counted; no figure takes them.
    assert!(l
        .figure("product.widget.stage.materials", 2025)
        .unwrap()
        .is_none());
    assert!(l
        .figure("product.widget.stage.end_of_life", 2025)
        .unwrap()
        .is_none());
    let rejected: u64 = l.files.iter().map(|f| f.rejected).sum();
    assert_eq!(rejected, 2);
    let bom_stats = l
        .files
        .iter()
        .find(|f| f.file.ends_with("bom.csv"))
        .unwrap();
    assert_eq!(bom_stats.rejected_quantity.get("kg"), Some(&d("2")));
}

#[test]
fn bad_product_rows_are_named_with_file_line_and_column() {
    let products = "id,name,category,functional_unit,year,facility\n\
widget,Widget,test,one,2025,F1\n\
Bad.Id,X,test,one,2025,\n\
old,Old,test,one,2019,\n";
    let bom = "product,component,material,mass,unit,recycled_pct,primary_factor,recycled_factor,eol_route\n\
widget,frame,aluminium,2,kWh,0,desnz-materials:aluminium.primary,,\n\
widget,body,steel,5,kg,120,desnz-materials:steel.primary,,\n\
widget,case,plastic,1,kg,50,desnz-materials:plastics.average.primary,,\n\
nobody,case,plastic,1,kg,0,desnz-materials:plastics.average.primary,,\n\
widget,lid,plastic,1,kg,0,desnz-materials:plastics.average.primary,,shredded\n";
    let stages = "product,stage,quantity,unit,years,factor\n\
widget,use,4,kWh,,cn-mee-grid:national\n\
widget,distribution,4,kWh,,desnz@2025:freight.rail\n\
widget,repair,1,kWh,,\n";
    let l = ledger(&products_project(products, bom, stages));
    let got: Vec<(String, &str)> = l
        .diagnostics
        .iter()
        .filter(|x| x.is_error())
        .map(|x| (x.span.to_string(), x.code))
        .collect();
    let want = [
        ("products.csv:3:1", "bad-id"),
        ("products.csv:4:5", "year-not-reported"),
        ("bom.csv:2:5", "wrong-dimension"),
        ("bom.csv:3:6", "bad-share"),
        ("bom.csv:3:8", "missing-factor"), // 120% recycled, and no recycled factor
        ("bom.csv:4:8", "missing-factor"),
        ("bom.csv:6:9", "unknown-route"),
        ("product_stages.csv:2:5", "missing-value"),
        ("product_stages.csv:3:4", "wrong-dimension"),
        ("product_stages.csv:4:2", "unknown-stage"),
        ("bom.csv:5:1", "unknown-product"),
    ];
    let got_short: Vec<(String, &str)> = got
        .iter()
        .map(|(s, c)| (s.rsplit('/').next().unwrap().to_string(), *c))
        .collect();
    assert_eq!(
        got_short,
        want.iter()
            .map(|(s, c)| (s.to_string(), *c))
            .collect::<Vec<_>>()
    );
    // read = used + rejected, file by file
    for f in &l.files {
        assert_eq!(f.read, f.used + f.rejected, "{}", f.file);
    }
    assert_eq!(value(&l, "products.count"), d("1"));
}

#[test]
fn iso22628_needs_every_part_routed() {
    let bom = "product,component,material,mass,unit,recycled_pct,primary_factor,recycled_factor,eol_route\n\
widget,frame,aluminium,2,kg,0,desnz-materials:aluminium.primary,,metal_separation\n\
widget,case,plastic,1,kg,0,desnz-materials:plastics.average.primary,,\n";
    let l = ledger(&products_project(
        WIDGET,
        bom,
        "product,stage,quantity,unit\n",
    ));
    let e: Vec<_> = l.diagnostics.iter().filter(|x| x.is_error()).collect();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].code, "missing-route");
    assert_eq!((e[0].span.line, e[0].span.column), (3, Some(9)));
}

/// ISO 22628 by hand: Rcyc = (mP + mD + mM + mTr) / mV × 100, Rcov adds mTe.
#[test]
fn iso22628_rates_by_hand() {
    let bom = "product,component,material,mass,unit,recycled_pct,primary_factor,recycled_factor,eol_route\n\
widget,battery,battery,30,kg,0,desnz-materials:batteries.li_ion.primary,,pretreatment\n\
widget,wheels,aluminium,20,kg,0,desnz-materials:aluminium.primary,,dismantling\n\
widget,body,steel,110,kg,0,desnz-materials:steel.primary,,metal_separation\n\
widget,trim,plastic,15,kg,0,desnz-materials:plastics.average.primary,,residue_recycling\n\
widget,foam,foam,16,kg,0,desnz-materials:plastics.average.primary,,energy_recovery\n\
widget,sealer,plastic,9,kg,0,desnz-materials:plastics.average.primary,,disposal\n";
    let l = ledger(&products_project(
        WIDGET,
        bom,
        "product,stage,quantity,unit\n",
    ));
    // mV = 30 + 20 + 110 + 15 + 16 + 9 = 200 kg
    // Rcyc = (30 + 20 + 110 + 15) / 200 × 100 = 175 / 2 = 87.5 %
    // Rcov = (175 + 16) / 200 × 100 = 95.5 %
    assert_eq!(value(&l, "product.widget.mass"), d("200"));
    assert_eq!(value(&l, "product.widget.recyclability"), d("87.5"));
    assert_eq!(value(&l, "product.widget.recoverability"), d("95.5"));
    let (cyc, cov) = rates(&[
        (Route::Pretreatment, d("30")),
        (Route::Dismantling, d("20")),
        (Route::MetalSeparation, d("110")),
        (Route::ResidueRecycling, d("15")),
        (Route::EnergyRecovery, d("16")),
        (Route::Disposal, d("9")),
    ])
    .unwrap();
    assert_eq!((cyc.value, cov.value), (d("87.5"), d("95.5")));
}

fn fixture() -> Ledger {
    ledger(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025"))
}

#[test]
fn fixture_has_more_than_twenty_products() {
    let l = fixture();
    assert!(value(&l, "products.count") > d("20"));
    assert_eq!(value(&l, "products.count"), d("23"));
    assert!(
        l.diagnostics.iter().all(|x| !x.is_error()),
        "{:?}",
        l.diagnostics
    );
}

/// 循环铝 14.2%, 循环钢 10.6%, 可再利用率 92.6%, 可回收利用率 98.8% (Xiaomi 2025 ESG report).
#[test]
fn yu7_recycled_shares_and_iso22628_rates_reproduce_to_one_decimal() {
    let l = fixture();
    // aluminium 50 kg recycled of 352 kg = 14.2045…%; steel 84.9 of 800 kg = 10.6125%
    assert_eq!(value(&l, "product.yu7.mass.aluminium"), d("352"));
    assert_eq!(value(&l, "product.yu7.mass.aluminium.recycled"), d("50"));
    assert_eq!(value(&l, "product.yu7.mass.steel.recycled"), d("84.9"));
    assert_eq!(
        one_decimal(value(&l, "product.yu7.recycled_share.aluminium")),
        d("14.2")
    );
    assert_eq!(value(&l, "product.yu7.recycled_share.steel"), d("10.6125"));
    assert_eq!(
        one_decimal(value(&l, "product.yu7.recycled_share.steel")),
        d("10.6")
    );
    // 2129.8 / 2300 = 92.6%; 2272.4 / 2300 = 98.8%
    assert_eq!(value(&l, "product.yu7.mass"), d("2300"));
    assert_eq!(
        one_decimal(value(&l, "product.yu7.recyclability")),
        d("92.6")
    );
    assert_eq!(
        one_decimal(value(&l, "product.yu7.recoverability")),
        d("98.8")
    );
}

/// 多款量产手机压铸中板100%使用回收铝.
#[test]
fn phone_midframes_are_100_percent_recycled_aluminium() {
    let l = fixture();
    for id in [
        "xiaomi-15",
        "xiaomi-15-pro",
        "xiaomi-15-ultra",
        "xiaomi-15s-pro",
        "xiaomi-mix-flip-2",
    ] {
        assert_eq!(
            value(
                &l,
                &format!("product.{id}.component.midframe.recycled_share")
            ),
            d("100"),
            "{id}"
        );
        assert_eq!(
            value(&l, &format!("product.{id}.recycled_share.aluminium")),
            d("100"),
            "{id}"
        );
    }
    // the Redmi K80 Pro's aluminium mid-frame is not claimed as recycled
    assert_eq!(
        value(
            &l,
            "product.redmi-k80-pro.component.midframe.recycled_share"
        ),
        d("0")
    );
}

#[test]
fn products_command_prints_exact_tables_that_add_up() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args([
            "products",
            "fixtures/xiaomi-2025",
            "--product",
            "yu7",
            "--format",
            "csv",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    // summary: exact footprint, 50/352 aluminium, 84.9/800 steel, 2129.8/2300 and 2272.4/2300
    assert!(
        s.contains("yu7,\"Xiaomi YU7 (RWD, 96.3 kWh)\",\"one vehicle, 150,000 km over 10 years\",24806.20076022,14.2045454545454545,10.6125,92.6,98.8"),
        "{s}"
    );
    assert!(s.contains("yu7,use,,12336.45,"), "{s}");
    assert!(s.contains("yu7,total,,24806.20076022,100"), "{s}");
    // an unknown product is a usage error
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(["products", "fixtures/xiaomi-2025", "--product", "yu9"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
