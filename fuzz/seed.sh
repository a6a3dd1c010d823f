#!/usr/bin/env bash
# Writes the seed inputs of every target into fuzz/corpus/<target>/ from the repository's own
# files: the fixtures' CSV and TOML files, the built-in factor editions, every unit symbol and
# alias, printed numbers from the fixture's claims. Seeds are named by content, so running it
# again adds nothing twice. Run from anywhere; needs bash, coreutils and sha1sum.
set -euo pipefail
cd "$(dirname "$0")/.."
C=fuzz/corpus

seed() { # target, then the bytes on stdin
  local dir="$C/$1" tmp
  mkdir -p "$dir"
  tmp=$(mktemp)
  cat > "$tmp"
  mv "$tmp" "$dir/seed-$(sha1sum "$tmp" | cut -c1-16)"
}

# csv_reader: first byte = schema index (see SCHEMAS in csv_reader.rs).
schemas=(energy fugitive facilities solar instruments abatement shipments products bom product_stages)
for i in "${!schemas[@]}"; do
  for f in fixtures/*/"${schemas[$i]}.csv" fixtures/bad/*/"${schemas[$i]}.csv"; do
    [[ -f $f ]] || continue
    { printf "\\x$(printf %02x "$i")"; cat "$f"; } | seed csv_reader
  done
done

# numbers: printed values of the fixture's claims, quantities of its CSVs, edge cases.
{
  grep -ho 'printed = "[^"]*"' fixtures/*/claims.toml | sed 's/^printed = "//; s/"$//'
  printf '%s\n' "12.50" "-0.5" "+3" ".5" "5." "1,234" "1.2E+07" "0.1234567890123456789012345678" \
    "79228162514264337593543950335" "79228162514264337593543950336" "2万余吨" "超 54,000 MWh" \
    "20余款" "54,000 MWh以上" "≈ 1.0 t CO2e/MWh" "−3 %"
} | sort -u | while IFS= read -r v; do printf '%s' "$v" | seed numbers; done

# units_periods: every unit symbol and alias, factor units of the built-in editions, periods,
# factor references.
{
  grep -o '"[^"]*"' src/units/registry.rs | sed -n '/UnitDef {/,$p' | tr -d '"'
  grep -o 'symbol: "[^"]*"\|"[^"]*"' src/units/registry.rs | sed 's/symbol: //; s/"//g'
  cut -d, -f3 factors/*/*/factors.csv | grep / | sort -u
  printf '%s\n' 2025 2025-Q1 2025-q4 2025-03 2025-13 1899 2200-12 \
    cn-mee-grid@2023:north ipcc-2006:natural_gas.co2
} | sort -u | while IFS= read -r v; do [[ -n $v ]] && printf '%s' "$v" | seed units_periods; done

# serials: the fixture's serial lists and a few forms.
{
  grep -ho 'GEC[0-9A-Z.;-]*' fixtures/*/instruments.csv || true
  printf '%s\n' "GEC0001..GEC0010; GEC0020" "A001..A100;A101" "X 1 .. X 9" "1..5"
} | sort -u | while IFS= read -r v; do printf '%s' "$v" | seed serials; done

# manifest_edition: first byte even = manifest, odd = edition.toml NUL factors.csv.
for f in fixtures/*/carbonledger.toml fixtures/bad/*/carbonledger.toml; do
  [[ -f $f ]] && { printf '\x00'; cat "$f"; } | seed manifest_edition
done
for d in factors/*/*/; do
  { printf '\x01'; cat "$d/edition.toml"; printf '\x00'; cat "$d/factors.csv"; } | seed manifest_edition
done

# claims
for f in fixtures/*/claims.toml fixtures/bad/*/claims.toml; do
  [[ -f $f ]] && seed claims < "$f"
done
mkdir -p "$C/differential"
