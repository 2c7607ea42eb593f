#pragma once
// The frozen-names check every provider shares: a field renamed and an option deleted in the CRM
// (crm-fake's admin endpoints) change nothing in the next readable export.
#include <string>

#include "support/fake_server.hpp"

namespace crmexport::testing {

struct FieldEdit {
  std::string provider;    // crm-fake's admin prefix: "hubspot"
  std::string connection;  // the connection's name
  std::string type;        // "deals"
  std::string key;         // the field's key as records carry it
  std::string option;      // the option's id (or value) as the admin path takes it
  std::string name;        // the readable name crmexport gave the field
};

// Exports `edit.type` with --labels, renames the field and deletes the option upstream, exports
// again: the output is byte-identical (name frozen, the deleted option's label remembered), and
// `fields --json` lists the field's new label under its old name, the option still among its options.
void check_names_stay_frozen(const FakeServer& server, const TempDir& home, const FieldEdit& edit);

}  // namespace crmexport::testing
