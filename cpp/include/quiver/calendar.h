// Dates in Arrow's date32/date64/timestamp sense: day counts since 1970-01-01 in
// the proleptic Gregorian calendar, converted to and from year-month-day with the
// era arithmetic of H. Hinnant's "chrono-compatible low-level date algorithms"
// (400-year eras of 146,097 days counted from 0000-03-01, so that leap days fall
// last in each year). Used by pretty printing, the CLI's CSV reader and the Python
// converters, which must all agree on every day.
#pragma once

#include <cstdint>

namespace quiver {

/// A calendar date; year 0 is 1 BC, negative years go further back.
struct CivilDate {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

/// The date `days` days after 1970-01-01 (before it when negative).
/// Valid for |days| below about 2^61.
constexpr CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;  // days since 0000-03-01
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;  // [0, 146096]
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_index = (5 * day_of_year + 2) / 153;  // 0 = March
  const int day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  const int month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

/// Days since 1970-01-01 of a date; `month` 1-12 and `day` 1-31 (not checked
/// against the month's length: callers validate what they parse).
constexpr int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);
static_assert(CivilFromDays(-1).year == 1969 && CivilFromDays(-1).month == 12 && CivilFromDays(-1).day == 31);
static_assert(CivilFromDays(DaysFromCivil(-4712, 2, 29)).day == 29);

}  // namespace quiver
