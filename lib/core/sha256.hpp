#pragma once
// SHA-256 over bytes that arrive in pieces (OpenSSL's EVP), for the files' digests in the
// export's manifest: a file is hashed as it is written, not read again at the end.
#include <memory>
#include <string>
#include <string_view>

namespace crmexport {

class Sha256 {
 public:
  // Throws Fatal(runtime) when OpenSSL cannot (a broken installation).
  Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  ~Sha256();

  void update(std::string_view bytes);
  // The digest of every byte given, in lower-case hex as sha256sum prints it; once.
  std::string hex();

 private:
  struct Context;
  std::unique_ptr<Context> m_context;
};

}  // namespace crmexport
