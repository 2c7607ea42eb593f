#pragma once
// What a user changes in an account's field settings, for the tests that show crmexport's names
// stay frozen and deleted options still resolve: a field's new label and its deleted options,
// per type and field key. Each provider's metadata writer asks this overlay; the records keep
// their values (a deleted option stays in the records that hold it, as in the real CRMs).
// Routes (loopback admin, no auth):
//   POST /_admin/PROVIDER/fields/TYPE/KEY/rename              body: the new label
//   POST /_admin/PROVIDER/fields/TYPE/KEY/options/ID/delete   ID: the option's id or value

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>

namespace httplib {
class Server;
}

namespace crm_fake {

class FieldEdits {
 public:
  // Whether TYPE has a field KEY (and, given an option id, whether the field has that option).
  using Exists = std::function<bool(const std::string& type, const std::string& key, const std::string* option)>;

  // The label a field now has: `original` unless renamed.
  std::string label(const std::string& type, const std::string& key, const std::string& original) const;
  bool deleted(const std::string& type, const std::string& key, const std::string& option) const;

  // Installs the two admin routes for `provider`; `exists` refuses edits of unknown fields (404).
  void register_routes(httplib::Server& server, const std::string& provider, Exists exists);

 private:
  mutable std::mutex m_mutex;
  std::map<std::pair<std::string, std::string>, std::string> m_labels;
  std::set<std::tuple<std::string, std::string, std::string>> m_deleted;
};

}  // namespace crm_fake
