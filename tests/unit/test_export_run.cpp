// The end of an export run, from plain type summaries: which failure ends it and what its message
// names, and --strict's check of each type's count against the provider's total.
#include <catch2/catch.hpp>

#include "lib/engine/export_run.hpp"

using namespace crmexport;
using engine::TypeStatus;
using engine::TypeSummary;

namespace {

TypeSummary summary_of(const char* type, TypeStatus status, long records = 0,
                       std::optional<long> provider_total = std::nullopt) {
  TypeSummary summary;
  summary.type = type;
  summary.status = status;
  summary.records = records;
  summary.provider_total = provider_total;
  return summary;
}

Error error_of(ErrorKind kind, const char* message) { return Error{kind, message, 0, std::nullopt}; }

}  // namespace

TEST_CASE("the first failed type ends the run, naming the types finished and those not started", "[export_run]") {
  const std::vector<Error> errors{error_of(ErrorKind::provider, "deals: HTTP 500"),
                                  error_of(ErrorKind::auth, "notes: refused")};
  const std::vector<TypeSummary> summaries{
      summary_of("persons", TypeStatus::complete), summary_of("deals", TypeStatus::unfinished),
      summary_of("notes", TypeStatus::unfinished), summary_of("leads", TypeStatus::not_started),
      summary_of("activities", TypeStatus::complete), summary_of("products", TypeStatus::not_started)};
  auto error = engine::first_failure(errors, summaries);
  CHECK(error.kind == ErrorKind::provider);
  CHECK(error.message ==
        "deals: HTTP 500 (persons, activities were written completely); not started: leads, products");
}

TEST_CASE("a lone failed type's error gains nothing when no other type finished or waited", "[export_run]") {
  auto error = engine::first_failure({error_of(ErrorKind::interrupted, "persons: interrupted")},
                                     {summary_of("persons", TypeStatus::unfinished)});
  CHECK(error.kind == ErrorKind::interrupted);
  CHECK(error.message == "persons: interrupted");

  auto one_done = engine::first_failure({error_of(ErrorKind::provider, "deals: HTTP 500")},
                                        {summary_of("persons", TypeStatus::complete),
                                         summary_of("deals", TypeStatus::unfinished)});
  CHECK(one_done.message == "deals: HTTP 500 (persons was written completely)");
}

TEST_CASE("strict: each complete type whose count differs from the provider's total fails the run", "[export_run]") {
  const std::vector<TypeSummary> summaries{
      summary_of("persons", TypeStatus::complete, 10, 10),    // matches
      summary_of("deals", TypeStatus::complete, 1, 2),        // one short
      summary_of("notes", TypeStatus::complete, 7),           // no total reported: nothing to check
      summary_of("leads", TypeStatus::unfinished, 3, 9),      // unfinished: not comparable
      summary_of("products", TypeStatus::complete, 12, 11)};  // one more
  auto mismatch = engine::count_mismatch("Pipedrive", summaries);
  REQUIRE(mismatch);
  CHECK(mismatch->kind == ErrorKind::incomplete);
  CHECK(exit_code(mismatch->kind) == 6);
  CHECK(mismatch->message ==
        "deals has 1 record but Pipedrive reported 2; products has 12 records but Pipedrive reported 11 (--strict); "
        "records were added or deleted during the export: export again, or drop --strict to accept the files as "
        "read");

  CHECK_FALSE(engine::count_mismatch("Pipedrive", {summary_of("persons", TypeStatus::complete, 10, 10)}));
}
