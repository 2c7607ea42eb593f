#include "tests/fake/table_admin_routes.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>

namespace crm_fake::table {
namespace {

void answer(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

void refuse(httplib::Response& res, std::string_view message) {
  answer(res, 404, fmt::format(R"({{"success":false,"error":"{}"}})", message));
}

EpochSeconds now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

void register_admin_routes(httplib::Server& server, Provider provider, Store& store,
                           std::function<void(const std::filesystem::path&)> dump) {
  const std::string root = fmt::format("/_admin/{}", provider_name(provider));
  server.Post(root + "/dump", [dump = std::move(dump)](const httplib::Request& req, httplib::Response& res) {
    try {
      dump(req.body);
      answer(res, 200, R"({"success":true})");
    } catch (const std::exception& e) {
      answer(res, 500, fmt::format(R"({{"success":false,"error":"{}"}})", e.what()));
    }
  });
  server.Post(root + "/([A-Za-z_]+)/add", [&store](const httplib::Request& req, httplib::Response& res) {
    const ObjectType* row = store.row(req.matches[1].str());
    if (!row) return refuse(res, "no such type");
    answer(res, 200, fmt::format(R"({{"success":true,"id":{}}})", store.add(*row, now())));
  });
  server.Post(root + "/([A-Za-z_]+)/([0-9]{1,18})/(modify|delete)", [&store](const httplib::Request& req,
                                                                             httplib::Response& res) {
    const ObjectType* row = store.row(req.matches[1].str());
    if (!row) return refuse(res, "no such type");
    const std::int64_t id = std::stoll(req.matches[2].str());
    const bool done = req.matches[3].str() == "modify" ? store.modify(*row, id, now()) : store.remove(*row, id);
    if (!done) return refuse(res, "no such record");
    answer(res, 200, fmt::format(R"({{"success":true,"id":{}}})", id));
  });
}

}  // namespace crm_fake::table
