#include "tests/fake/hubspot_types.hpp"

#include "tests/fake/hubspot_data.hpp"

#include <vector>

namespace crm_fake::hubspot {
namespace {

std::vector<table::ObjectType> make_rows() {
  table::ObjectType owners;
  owners.provider = table::Provider::hubspot;
  owners.name = "owners";
  owners.paths = {{"v3", "owners"}};
  owners.envelope.records_key = "results";
  owners.envelope.next_link_base = "https://api.hubapi.com";
  owners.paging = table::PagingKind::after_offset;
  // 1..500, default 100; the provider refuses others with its 400 before the table sees them.
  owners.limits = {.default_size = 100, .min_size = 1, .max_size = 500, .out_of_range = table::OverLimit::refuse};
  owners.generate = make_owner;
  owners.count = owner_count;
  // The real list shows archived owners with archived=true (coverage.md); the fake lists none yet.
  owners.deletion = table::Deletion::archived_list;
  return {owners};
}

}  // namespace

std::span<const table::ObjectType> object_types() {
  static const std::vector<table::ObjectType> rows = make_rows();
  return rows;
}

}  // namespace crm_fake::hubspot
