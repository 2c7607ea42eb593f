#include "support/fake_server.hpp"

#include <catch2/catch.hpp>

#include "lib/http/curl_transport.hpp"

namespace crmexport::testing {

FakeServer::FakeServer(std::vector<std::string> flags) {
  std::vector<std::string> argv = {CRM_FAKE_BIN, "--port", "0", "--lifetime", "300", "--dump", m_dump.path()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  m_server = start_server(argv);
  m_url = m_server.url;
}

FakeServer::~FakeServer() { stop_server(m_server); }

std::vector<std::string> FakeServer::dataset(const std::string& provider, const std::string& type) const {
  return account_dataset(0, provider, type);
}

std::string FakeServer::stats() const { return account_stats(0); }

std::string FakeServer::account_url(int index) const {
  if (index == 0) return m_url;
  auto urls = lines_of(read_file(m_dump / "accounts.txt"));
  return static_cast<size_t>(index) < urls.size() ? urls[static_cast<size_t>(index)] : std::string();
}

std::vector<std::string> FakeServer::account_dataset(int index, const std::string& provider,
                                                     const std::string& type) const {
  const std::string folder = index == 0 ? m_dump.path() : m_dump / ("account-" + std::to_string(index));
  return lines_of(read_file(folder + "/" + provider + "/" + type + ".ndjson"));
}

std::string FakeServer::account_stats(int index) const {
  http::CurlTransport transport;
  auto response = transport.send(http::Request{"GET", account_url(index) + "/_stats", {}, {}});
  return response ? response->body : std::string();
}

std::string FakeServer::post(const std::string& path, const std::string& body) const {
  http::CurlTransport transport;
  auto response = transport.send(http::Request{"POST", m_url + path, {}, body});
  return response ? response->body : std::string();
}

std::string FakeServer::admin(const std::string& path, const std::string& body) const {
  http::CurlTransport transport;
  auto response = transport.send(http::Request{"POST", m_url + path, {}, body});
  REQUIRE(response);  // unlike post(), a failed request fails the test
  REQUIRE(response->status == 200);
  return response->body;
}

RunResult run_crmexport(const TempDir& store_dir, std::vector<std::string> args, RunOptions options) {
  std::vector<std::string> argv = {CRMEXPORT_BIN, "--store", store_dir / "store.db"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, options);
}

RunResult add_connection(const TempDir& store_dir, const FakeServer& server, const std::string& provider,
                         const std::string& name, const std::string& token, std::vector<std::string> extra) {
  std::vector<std::string> args = {
      "auth", "add", provider, "--name", name, "--base-url", server.url() + "/" + provider, "--token-stdin"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunOptions options;
  options.stdin_text = token + "\n";
  return run_crmexport(store_dir, args, options);
}

}  // namespace crmexport::testing
