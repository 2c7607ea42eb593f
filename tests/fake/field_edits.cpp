#include "tests/fake/field_edits.hpp"

#include <httplib.h>

namespace crm_fake {

std::string FieldEdits::label(const std::string& type, const std::string& key, const std::string& original) const {
  const std::lock_guard lock(m_mutex);
  auto it = m_labels.find({type, key});
  return it == m_labels.end() ? original : it->second;
}

bool FieldEdits::deleted(const std::string& type, const std::string& key, const std::string& option) const {
  const std::lock_guard lock(m_mutex);
  return m_deleted.contains({type, key, option});
}

void FieldEdits::register_routes(httplib::Server& server, const std::string& provider, Exists exists) {
  const std::string base = "/_admin/" + provider + "/fields/([A-Za-z]+)/([^/]+)";
  auto refused = [](httplib::Response& res, const char* what) {
    res.status = 404;
    res.set_content(std::string(R"({"success":false,"error":")") + what + "\"}", "application/json");
  };
  server.Post(base + "/rename", [this, exists, refused](const httplib::Request& req, httplib::Response& res) {
    const auto type = req.matches[1].str();
    const auto key = req.matches[2].str();
    if (!exists(type, key, nullptr)) return refused(res, "no such field");
    {
      const std::lock_guard lock(m_mutex);
      m_labels[{type, key}] = req.body;
    }
    res.set_content(R"({"success":true})", "application/json");
  });
  server.Post(base + "/options/([^/]+)/delete",
              [this, exists, refused](const httplib::Request& req, httplib::Response& res) {
                const auto type = req.matches[1].str();
                const auto key = req.matches[2].str();
                const auto option = req.matches[3].str();
                if (!exists(type, key, &option)) return refused(res, "no such option");
                {
                  const std::lock_guard lock(m_mutex);
                  m_deleted.insert({type, key, option});
                }
                res.set_content(R"({"success":true})", "application/json");
              });
}

}  // namespace crm_fake
