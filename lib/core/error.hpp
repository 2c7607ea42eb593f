#pragma once
// Expected failures travel as values (std::expected<T, Error>); the class of an Error decides
// whether it is retried and which exit code ends the run.
#include <chrono>
#include <expected>
#include <optional>
#include <stdexcept>
#include <string>

namespace crmexport {

enum class ErrorKind {
  usage,         // the user asked for something that cannot be: exit 2
  auth,          // missing or rejected credentials: exit 3
  rate_limited,  // rate limit not recovered within the retry budget: exit 4
  provider,      // the provider failed or answered nonsense: exit 5
  network,       // could not talk to the provider at all: exit 1
  runtime,       // anything else (disk, store): exit 1
  interrupted,   // SIGINT or SIGTERM (lib/core/interrupt.hpp): exit 130 or 143; never retried
  incomplete,    // export --strict: a type's count differs from the provider's own total: exit 6
  partial,       // a run over many connections where some failed and others succeeded: exit 7
};

struct Error {
  ErrorKind kind = ErrorKind::runtime;
  std::string message;                                   // what went wrong and what to do, one line, never a secret
  int http_status = 0;                                   // 0 when no HTTP answer was involved
  std::optional<std::chrono::milliseconds> retry_after;  // set when the provider said how long to wait
  bool unreached = false;  // network: no connection was made (refused, unknown host), nothing was sent
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message, int http_status = 0) {
  return std::unexpected(Error{kind, std::move(message), http_status, std::nullopt});
}

int exit_code(ErrorKind kind);

// Thrown for what ends the run; caught once in main and mapped to an exit code.
class Fatal : public std::runtime_error {
 public:
  explicit Fatal(Error error) : std::runtime_error(error.message), m_error(std::move(error)) {}
  explicit Fatal(ErrorKind kind, std::string message) : Fatal(Error{kind, std::move(message), 0, std::nullopt}) {}
  const Error& error() const { return m_error; }

 private:
  Error m_error;
};

// Unwraps a Result or throws it as Fatal: for call sites where the failure ends the run anyway.
template <typename T>
T value_or_throw(Result<T> result) {
  if (!result) throw Fatal(std::move(result.error()));
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

}  // namespace crmexport
