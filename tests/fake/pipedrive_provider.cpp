#include "tests/fake/pipedrive_provider.hpp"

#include "tests/fake/pipedrive_dataset.hpp"
#include "tests/fake/pipedrive_fields.hpp"
#include "tests/fake/pipedrive_http.hpp"
#include "tests/fake/pipedrive_records.hpp"
#include "tests/fake/pipedrive_routes.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

namespace crm_fake {
namespace {

using pipedrive::ApiVersion;
using pipedrive::Dataset;
using pipedrive::RecordType;

// Types with a deprecated v1 list still answering, dumped under v1/ in that shape too.
constexpr std::array k_v1_dump_types{RecordType::person, RecordType::organization, RecordType::deal,
                                     RecordType::note,   RecordType::pipeline,     RecordType::stage};

void dump_type(const Dataset& dataset, RecordType type, ApiVersion version, const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  const std::int64_t n = dataset.count(type);
  for (std::int64_t id = 1; id <= n; ++id) {
    if (!dataset.exists(type, id)) continue;  // deleted through the admin endpoint
    buffer.Clear();
    w.Reset(buffer);
    pipedrive::write_record(w, dataset, type, version, id);
    out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
    out.put('\n');
  }
  if (!out.flush()) throw std::runtime_error(fmt::format("failed writing {}", file.string()));
}

class PipedriveProvider final : public FakeProvider {
 public:
  explicit PipedriveProvider(const FakeOptions& options) : m_dataset(options.seed, options.records) {}

  std::string prefix() const override { return "/pipedrive"; }

  void register_routes(httplib::Server& server, ServerState& state) override {
    const std::string p = prefix();
    // Field metadata first: its paths (dealFields) would otherwise not match the lists' pattern.
    server.Get(p + "/api/v2/(person|organization|deal|activity|product)Fields",
               pipedrive::guarded(state, false, [this](const auto& req, auto& res) {
                 pipedrive::serve_v2_fields(m_fields, pipedrive::type_from_singular(req.matches[1].str()), req, res);
               }));
    server.Get(p + "(?:/api)?/v1/(person|organization|deal|activity|product|note)Fields",
               pipedrive::guarded(state, true, [this](const auto& req, auto& res) {
                 pipedrive::serve_v1_fields(m_fields, pipedrive::type_from_singular(req.matches[1].str()), req, res);
               }));
    server.Get(p + "/api/v2/([a-z]+)", pipedrive::guarded(state, false, [this](const auto& req, auto& res) {
                 const auto type = pipedrive::type_from_collection(req.matches[1].str());
                 if (!type || !pipedrive::has_v2(*type)) return pipedrive::send_error(res, 404, "Unknown method .");
                 pipedrive::serve_v2_list(m_dataset, *type, req, res);
               }));
    // v1 answers on both /v1 and /api/v1 (FACTS: base URLs).
    server.Get(p + "(?:/api)?/v1/users/me", pipedrive::guarded(state, true, [this](const auto&, auto& res) {
                 pipedrive::serve_current_user(m_dataset, res);
               }));
    server.Get(p + "(?:/api)?/v1/([a-z]+)", pipedrive::guarded(state, true, [this](const auto& req, auto& res) {
                 const auto type = pipedrive::type_from_collection(req.matches[1].str());
                 if (!type || *type == RecordType::activity) return pipedrive::send_error(res, 404, "Unknown method .");
                 pipedrive::serve_v1_list(m_dataset, *type, req, res);
               }));
    register_admin(server);
    server.Get(p + "/.*", [](const httplib::Request&, httplib::Response& res) {
      pipedrive::send_error(res, 404, "Unknown method .");
    });
  }

  // Test-only mutations, outside the API's prefix and without auth (the server listens on
  // loopback only). The generic shape other fake providers can follow:
  //   POST /_admin/pipedrive/TYPE/add          -> {"id":N}, a new record updated now
  //   POST /_admin/pipedrive/TYPE/ID/modify    -> the record gets update_time = now
  //   POST /_admin/pipedrive/TYPE/ID/delete    -> the record disappears from every list
  //   POST /_admin/pipedrive/dump  (body: DIR) -> the current dataset dumped as by --dump
  // Send bodies with Content-Length: httplib 0.11 waits forever for a POST body without one.
  void register_admin(httplib::Server& server) {
    server.Post("/_admin/pipedrive/dump", [this](const httplib::Request& req, httplib::Response& res) {
      try {
        dump(req.body);
        res.set_content("{\"success\":true}", "application/json");
      } catch (const std::exception& e) {
        res.status = 500;
        res.set_content(fmt::format("{{\"success\":false,\"error\":\"{}\"}}", e.what()), "application/json");
      }
    });
    // Field changes users make in the account: a new label (body), a deleted option.
    server.Post("/_admin/pipedrive/fields/([a-z]+)/([0-9a-z_]+)/rename",
                [this](const httplib::Request& req, httplib::Response& res) {
                  const auto type = pipedrive::type_from_collection(req.matches[1].str());
                  if (!type || !m_fields.rename(*type, req.matches[2].str(), req.body))
                    return admin_error(res, 404, "no such field");
                  res.set_content("{\"success\":true}", "application/json");
                });
    server.Post("/_admin/pipedrive/fields/([a-z]+)/([0-9a-z_]+)/options/([0-9a-z_]+)/delete",
                [this](const httplib::Request& req, httplib::Response& res) {
                  const auto type = pipedrive::type_from_collection(req.matches[1].str());
                  if (!type || !m_fields.delete_option(*type, req.matches[2].str(), req.matches[3].str()))
                    return admin_error(res, 404, "no such option");
                  res.set_content("{\"success\":true}", "application/json");
                });
    server.Post("/_admin/pipedrive/([a-z]+)/add", [this](const httplib::Request& req, httplib::Response& res) {
      const auto type = pipedrive::type_from_collection(req.matches[1].str());
      if (!type) return admin_error(res, 404, "no such type");
      const std::int64_t id = m_dataset.add(*type, now());
      res.set_content(fmt::format("{{\"success\":true,\"id\":{}}}", id), "application/json");
    });
    server.Post("/_admin/pipedrive/([a-z]+)/([0-9]+)/(modify|delete)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  const auto type = pipedrive::type_from_collection(req.matches[1].str());
                  if (!type) return admin_error(res, 404, "no such type");
                  const std::int64_t id = std::stoll(req.matches[2].str());
                  const bool done = req.matches[3].str() == "modify" ? m_dataset.modify(*type, id, now())
                                                                     : m_dataset.remove(*type, id, now());
                  if (!done) return admin_error(res, 404, "no such record");
                  res.set_content(fmt::format("{{\"success\":true,\"id\":{}}}", id), "application/json");
                });
  }

  static void admin_error(httplib::Response& res, int status, std::string_view message) {
    res.status = status;
    res.set_content(fmt::format("{{\"success\":false,\"error\":\"{}\"}}", message), "application/json");
  }

  static EpochSeconds now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void dump(const std::filesystem::path& dir) const override {
    const std::filesystem::path root = dir / "pipedrive";
    std::filesystem::create_directories(root / "v1");
    for (const RecordType type : pipedrive::k_all_types) {
      const auto file = root / fmt::format("{}.ndjson", pipedrive::collection_name(type));
      dump_type(m_dataset, type, pipedrive::default_version(type), file);
    }
    for (const RecordType type : k_v1_dump_types) {
      const auto file = root / "v1" / fmt::format("{}.ndjson", pipedrive::collection_name(type));
      dump_type(m_dataset, type, ApiVersion::v1, file);
    }
    dump_fields(root);
  }

  // DIR/pipedrive/fields/TYPE.ndjson (v2 items) and v1/fields/TYPE.ndjson, for the types with fields.
  void dump_fields(const std::filesystem::path& root) const {
    std::filesystem::create_directories(root / "fields");
    std::filesystem::create_directories(root / "v1" / "fields");
    for (const RecordType type : {RecordType::person, RecordType::organization, RecordType::deal,
                                  RecordType::activity, RecordType::note})
      for (const bool v1 : {false, true}) {
        const auto file = root / (v1 ? "v1/fields" : "fields") / fmt::format("{}.ndjson", pipedrive::collection_name(type));
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        for (const auto& field : m_fields.of(type)) {
          rapidjson::StringBuffer buffer;
          JsonWriter w(buffer);
          pipedrive::write_field_item(w, field, v1);
          out << buffer.GetString() << '\n';
        }
        if (!out.flush()) throw std::runtime_error(fmt::format("failed writing {}", file.string()));
      }
  }

 private:
  Dataset m_dataset;
  pipedrive::FieldCatalog m_fields;
};

}  // namespace

std::unique_ptr<FakeProvider> make_pipedrive_provider(const FakeOptions& options) {
  return std::make_unique<PipedriveProvider>(options);
}

}  // namespace crm_fake
