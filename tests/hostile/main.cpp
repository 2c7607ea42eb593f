// crm-hostile: a loopback server that answers like each CRM's envelope but with one scripted bad
// answer (too deep, the wrong shape, too big, too slow, echoing secrets), for the tests that
// prove no answer from the network can make crmexport crash, hang, lie or leak. See README.md.
#include <fmt/format.h>
#include <httplib.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "lib/http/url.hpp"

namespace {

// How each CRM wraps one page of contacts (FACTS: Pipedrive v2 §3, HubSpot v3 §3,
// ActiveCampaign §3, Keap v2 §3). `next` is JSON text: null on the last page.
struct Envelope {
  std::string records_key;
  std::string record;  // one well-formed record of that CRM, without its closing brace
  std::string (*wrap)(const std::string& records, const std::string& next);
};

const std::map<std::string, Envelope, std::less<>> k_envelopes = {
    {"pipedrive",
     {"data", R"({"id":1,"name":"Ada","update_time":"2024-01-02T03:04:05Z")",
      [](const std::string& records, const std::string& next) {
        return R"({"success":true,"data":)" + records + R"(,"additional_data":{"next_cursor":)" + next + "}}";
      }}},
    {"hubspot",
     {"results", R"({"id":"1","properties":{"email":"ada@example.com","hs_object_id":"1"},"archived":false)",
      [](const std::string& records, const std::string& next) {
        std::string paging = next == "null" ? "" : R"(,"paging":{"next":{"after":)" + next + "}}";
        return R"({"results":)" + records + paging + "}";
      }}},
    {"activecampaign",
     {"contacts", R"({"id":"1","email":"ada@example.com","udate":"2024-01-02T03:04:05-05:00")",
      [](const std::string& records, const std::string&) {
        return R"({"contacts":)" + records + R"(,"meta":{"total":"1"}})";
      }}},
    {"keap",
     {"contacts", R"({"id":"1","given_name":"Ada","update_time":"2024-01-02T03:04:05Z")",
      [](const std::string& records, const std::string& next) {
        return R"({"contacts":)" + records + R"(,"next_page_token":)" + (next == "null" ? "\"\"" : next) + "}";
      }}},
};

struct Options {
  std::string answer;
  std::string tls_cert, tls_key;
  int lifetime_seconds = 60;
  int max_requests = 200;
  int bomb_mib = 300;
  int nesting = 200'000;
  int fields = 2'100;  // custom fields of `wide-fields`
};

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "crm-hostile: %s\nusage: crm-hostile --answer KIND [--tls-cert FILE --tls-key FILE] [--lifetime S] "
               "[--max-requests N] [--bomb-mib N] [--nesting N] [--fields N]\n",
               problem.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc) usage(fmt::format("{} needs a value", flag));
    std::string value = argv[++i];
    if (flag == "--answer")
      o.answer = value;
    else if (flag == "--tls-cert")
      o.tls_cert = value;
    else if (flag == "--tls-key")
      o.tls_key = value;
    else if (flag == "--lifetime")
      o.lifetime_seconds = std::stoi(value);
    else if (flag == "--max-requests")
      o.max_requests = std::stoi(value);
    else if (flag == "--bomb-mib")
      o.bomb_mib = std::stoi(value);
    else if (flag == "--nesting")
      o.nesting = std::stoi(value);
    else if (flag == "--fields")
      o.fields = std::stoi(value);
    else
      usage(fmt::format("unknown flag {}", flag));
  }
  if (o.answer.empty()) usage("--answer is required");
  return o;
}

std::string repeat(std::string_view piece, int times) {
  std::string out;
  out.reserve(piece.size() * static_cast<std::size_t>(times));
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

// `mib` MiB of zeros, gzip-compressed at the fastest level: about 1/230 of that on the wire.
std::string gzip_bomb(int mib) {
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("zlib");
  std::string zeros(1 << 20, '\0'), out, chunk(1 << 16, '\0');
  for (int i = 0; i < mib; ++i) {
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(zeros.size());
    int flush = i + 1 == mib ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(chunk.data());
      z.avail_out = static_cast<uInt>(chunk.size());
      deflate(&z, flush);
      out.append(chunk.data(), chunk.size() - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

// Everything the client sent that may hold a secret, as sent and percent-encoded, the way
// careless servers echo a request back in an error.
std::string echo_of(const httplib::Request& req) {
  std::string echo;
  for (const auto& [name, value] : req.headers) {
    if (name == "Host" || name == "User-Agent" || name == "Accept" || name == "Accept-Encoding" ||
        name.starts_with("LOCAL_") || name.starts_with("REMOTE_"))
      continue;
    echo += fmt::format("{}: {} ({}); ", name, value, crmexport::http::url_encode(value));
  }
  for (const auto& [name, value] : req.params) echo += fmt::format("{}={}; ", name, value);
  echo += "body: " + req.body;
  return echo;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", c);
      continue;
    }
    out += c;
  }
  return out + "\"";
}

const std::string k_login_page =
    "<!DOCTYPE html><html><head><title>Guest Wi-Fi</title></head><body><form method=\"post\" "
    "action=\"/login\"><input name=\"room\"><button>Sign in</button></form></body></html>";

// A server's error text with every kind of control a terminal obeys: CSI as one character
// (U+009B, here a JSON escape), a raw 0x9B byte (CSI on an 8-bit terminal, and not UTF-8), ESC,
// BEL, DEL, and NUL last (the CRMs' error readers end a JSON string there).
const std::string k_controls_json = "bad \\u009b[31mred\\u001b[0m bell\\u0007 raw\x9b del\x7f nul\\u0000end";
const std::string k_controls_text =
    std::string("bad \xc2\x9b[31mred\x1b[0m bell\x07 raw\x9b del\x7f nul") + '\0' + "end";

class Hostile {
 public:
  explicit Hostile(Options options) : m_options(std::move(options)) {
    if (m_options.answer == "gzip-bomb") m_bomb = gzip_bomb(m_options.bomb_mib);
  }

  void answer(const httplib::Request& req, httplib::Response& res) {
    const auto slash = req.path.find('/', 1);
    const std::string provider = req.path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    const auto envelope = k_envelopes.find(provider);
    if (envelope == k_envelopes.end()) {
      res.status = 404;
      res.set_content(R"({"message":"unknown provider prefix"})", "application/json");
      return;
    }
    if (portal(res)) return;
    if (req.path.ends_with("/token")) return token(req, res);
    if (provider == "pipedrive" && (m_options.answer == "hostile-labels" || m_options.answer == "wide-fields"))
      return labels(req, res);
    if (req.path.find("/crm/v3/properties/") != std::string::npos)  // HubSpot's prelude, always sane
      return res.set_content(R"({"results":[{"name":"email"},{"name":"hs_object_id"}]})", "application/json");
    page(envelope->second, req, res);
  }

 private:
  // Pipedrive v2 persons whose field metadata (FACTS Pipedrive §3's envelope) has labels no CRM
  // should send but any may: a NUL, a C1 CSI, quotes and brackets, two equal labels whose keys
  // share their first 8 characters, labels named like the labeled view's own columns, a label
  // longer than any SQL identifier; or (`wide-fields`) more custom fields than a view can hold.
  // Record 1 carries a value for every custom field: "v" + the field's position, but for the
  // option field, whose option 1 is labeled with a NUL.
  static constexpr const char* k_option_key = "aaaa0001csi";
  static constexpr const char* k_options = R"(,"options":[{"id":1,"label":"Gold\u0000"},{"id":2,"label":"x"}])";
  void labels(const httplib::Request& req, httplib::Response& res) {
    std::vector<std::pair<std::string, std::string>> custom;  // (key, label)
    if (m_options.answer == "hostile-labels") {
      custom = {{"deadbeef0001", "Dup"},
                {"deadbeef0002", "Dup"},
                {"deadbeef0003", "Dup"},
                {"aaaa0000nul", std::string("Lead\0Source", 11)},
                {"aaaa0001csi", "Tier\xc2\x9b[31m"},
                {"aaaa0002quo", "Say \"hi\"); DROP TABLE fields; --"},
                {"aaaa0003res", "deleted_at"},
                {"aaaa0004res", "Connection"},
                {"aaaa0005res", "more_fields"},
                {"aaaa0006lng", repeat("\xc3\xa9", 40)},
                {"aaaa0007br", "[a] {b} (c)"}};
    } else {
      for (int i = 0; i < m_options.fields; ++i) custom.emplace_back(fmt::format("k{:05}", i), fmt::format("F{:05}", i));
    }
    auto envelope = [](const std::string& data) {
      return R"({"success":true,"data":)" + data + R"(,"additional_data":{"next_cursor":null}})";
    };
    if (req.path.find("Fields") != std::string::npos) {
      std::string items = R"([{"field_code":"id","field_name":"ID","field_type":"int","is_custom_field":false},)"
                          R"({"field_code":"name","field_name":"Name","field_type":"varchar","is_custom_field":false})";
      for (const auto& [key, label] : custom)
        items += fmt::format(R"(,{{"field_code":{},"field_name":{},"field_type":{},"is_custom_field":true{}}})",
                             json_string(key), json_string(label), key == k_option_key ? "\"enum\"" : "\"varchar\"",
                             key == k_option_key ? k_options : "");
      return res.set_content(envelope(items + "]"), "application/json");
    }
    std::string values;
    for (std::size_t i = 0; i < custom.size(); ++i)
      values += fmt::format(R"({}{}:{})", i ? "," : "", json_string(custom[i].first),
                            custom[i].first == k_option_key ? "1" : fmt::format("\"v{}\"", i));
    res.set_content(envelope(R"([{"id":1,"name":"Ada","update_time":"2024-01-02T03:04:05Z","custom_fields":{)" +
                             values + "}}]"),
                    "application/json");
  }

  // A captive portal, a proxy's login page or a URL that is not the CRM: 200 to every path, the
  // token endpoint's too, with anything but the CRM's answer. True when it answered.
  bool portal(httplib::Response& res) const {
    const std::string& kind = m_options.answer;
    if (kind == "portal-html")
      res.set_content(k_login_page, "text/html; charset=utf-8");
    else if (kind == "portal-empty")
      res.body.clear();  // and no Content-Type
    else if (kind == "wrong-shape")
      res.set_content(R"({"ok":true})", "application/json");
    else
      return false;
    res.status = 200;
    return true;
  }

  void token(const httplib::Request& req, httplib::Response& res) {
    if (m_options.answer == "token-html") return res.set_content(k_login_page, "text/html; charset=utf-8");
    if (m_options.answer == "token-echo") {
      res.status = 400;
      res.set_content(
          R"({"error":"invalid_grant","error_description":)" + json_string("refused: " + echo_of(req)) + "}",
          "application/json");
      return;
    }
    res.set_content(R"({"access_token":"hostile-access-token-0123","refresh_token":"hostile-refresh-token-4567",)"
                    R"("expires_in":3600,"token_type":"bearer"})",
                    "application/json");
  }

  void page(const Envelope& e, const httplib::Request& req, httplib::Response& res) {
    const std::string& kind = m_options.answer;
    const std::string good = "[" + e.record + "}]";
    auto send = [&](const std::string& body) { res.set_content(body, "application/json"); };
    auto nested = [&](std::string_view open, std::string_view close) {
      return repeat(open, m_options.nesting) + "1" + repeat(close, m_options.nesting);
    };
    if (kind == "ok" || kind == "token-html") return send(e.wrap(good, "null"));
    if (kind == "deep-record") return send(e.wrap("[" + e.record + R"(,"deep":)" + nested("[", "]") + "}]", "null"));
    if (kind == "deep-envelope")
      return send(R"({"deep":)" + nested("{\"a\":", "}") + "," + e.wrap(good, "null").substr(1));
    if (kind == "records-object") return send(e.wrap(e.record + "}", "null"));
    if (kind == "records-string") return send(e.wrap(R"("no records today")", "null"));
    if (kind == "records-null") return send(e.wrap("null", "null"));
    if (kind == "records-missing") {
      std::string body = e.wrap(good, "null");
      body.replace(body.find("\"" + e.records_key + "\""), e.records_key.size() + 2, "\"other\"");
      return send(body);
    }
    if (kind == "cursor-object") return send(e.wrap(good, R"({"after":"2"})"));
    if (kind == "cursor-array") return send(e.wrap(good, R"(["2"])"));
    if (kind == "long-cursor") return send(e.wrap(good, "\"" + std::string(10 << 20, 'c') + "\""));
    if (kind == "strings")
      return send(e.wrap("[" + e.record +
                             ",\"bad\":\"a\xff"
                             "b\xc3(c\xed\xa0\x80"
                             "d\",\"nul\":\"x\\u0000y\",\"big\":1e309}]",
                         "null"));
    if (kind == "gzip-bomb") {
      res.set_header("Content-Encoding", "gzip");
      return res.set_content(m_bomb, "application/json");
    }
    if (kind == "trickle") {
      // Two bytes a second of JSON whitespace: fast enough for any low-speed check, never done.
      res.set_chunked_content_provider("application/json", [](std::size_t offset, httplib::DataSink& sink) {
        if (offset >= 120) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        return sink.write(offset == 0 ? "{" : " ", 1);
      });
      return;
    }
    if (kind == "controls-400") {
      res.status = 400;
      return send(R"({"success":false,"error":")" + k_controls_json + R"(","message":")" + k_controls_json +
                  R"(","errorCode":400})");
    }
    if (kind == "controls-text-400") {
      res.status = 400;
      return res.set_content(k_controls_text, "text/plain");
    }
    if (kind == "echo-400" || kind == "echo-401" || kind == "echo-500" || kind == "echo-text-400") {
      res.status = std::stoi(kind.substr(kind.size() - 3));
      // A newline and a terminal escape sequence, as a server's text may hold.
      const std::string echo = "rejected:\n\x1b[2J " + echo_of(req);
      if (kind == "echo-text-400") return res.set_content(echo, "text/plain");
      return send(fmt::format(R"({{"success":false,"error":{0},"message":{0},"errorCode":{1}}})", json_string(echo),
                              res.status));
    }
    res.status = 500;
    send(R"({"message":"crm-hostile: unknown --answer"})");
  }

  Options m_options;
  std::string m_bomb;
};

int run(const Options& options) {
  Hostile hostile(options);
  std::unique_ptr<httplib::Server> server;
  if (options.tls_cert.empty())
    server = std::make_unique<httplib::Server>();
  else
    server = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
  if (!server->is_valid()) throw std::runtime_error("cannot load the TLS certificate or key");

  std::atomic<int> requests = 0;
  auto handler = [&](const httplib::Request& req, httplib::Response& res) {
    if (++requests > options.max_requests) server->stop();
    hostile.answer(req, res);
  };
  server->Get(".*", handler);
  server->Post(".*", handler);

  // Loopback only: this server must never be reachable from another machine.
  const int port = server->bind_to_any_port("127.0.0.1");
  if (port <= 0) throw std::runtime_error("cannot bind 127.0.0.1");
  std::fputs(fmt::format("listening on {}://127.0.0.1:{}\n", options.tls_cert.empty() ? "http" : "https", port).c_str(),
             stdout);
  std::fflush(stdout);
  std::atomic<bool> done = false;
  std::thread lifetime([&] {
    for (int i = 0; i < options.lifetime_seconds * 10 && !done; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server->stop();
  });
  server->listen_after_bind();
  done = true;
  lifetime.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a client hanging up mid-answer must not kill the server
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crm-hostile: %s\n", e.what());
    return 1;
  }
}
