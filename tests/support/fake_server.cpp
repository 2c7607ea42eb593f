#include "support/fake_server.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "lib/http/curl_transport.hpp"

namespace crmexport::testing {

FakeServer::FakeServer(std::vector<std::string> flags) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv = {CRM_FAKE_BIN, "--port", "0", "--lifetime", "300", "--dump", m_dump.path()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  m_pid = fork();
  if (m_pid == 0) {
    dup2(pipe_fds[1], 1);
    close(pipe_fds[0]);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  FILE* out = fdopen(pipe_fds[0], "r");
  char line[256] = {};
  if (!fgets(line, sizeof line, out)) throw std::runtime_error("crm-fake did not start");
  fclose(out);
  std::string first = line;
  const std::string prefix = "listening on ";
  if (!first.starts_with(prefix)) throw std::runtime_error("crm-fake said: " + first);
  m_url = first.substr(prefix.size());
  while (!m_url.empty() && (m_url.back() == '\n' || m_url.back() == '\r')) m_url.pop_back();
}

FakeServer::~FakeServer() {
  if (m_pid > 0) {
    kill(m_pid, SIGTERM);
    waitpid(m_pid, nullptr, 0);
  }
}

std::vector<std::string> FakeServer::dataset(const std::string& provider, const std::string& type) const {
  return lines_of(read_file(m_dump / (provider + "/" + type + ".ndjson")));
}

std::string FakeServer::stats() const {
  http::CurlTransport transport;
  auto response = transport.send(http::Request{"GET", m_url + "/_stats", {}, {}});
  return response ? response->body : std::string();
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
