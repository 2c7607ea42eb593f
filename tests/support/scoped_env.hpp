#pragma once
// An environment variable set for one scope, for tests of what crmexport reads from the environment.
#include <cstdlib>
#include <optional>
#include <string>

namespace crmexport::testing {

// Sets an environment variable (or unsets it, with nullopt) for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : m_name(name) {
    if (const char* old = std::getenv(name)) m_previous = old;
    set(value);
  }
  ~ScopedEnv() { set(m_previous); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void set(const std::optional<std::string>& value) {
    if (value)
      ::setenv(m_name, value->c_str(), 1);
    else
      ::unsetenv(m_name);
  }
  const char* m_name;
  std::optional<std::string> m_previous;
};

}  // namespace crmexport::testing
