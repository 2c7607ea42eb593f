#pragma once
// What `crmexport --version` prints: this version and the libraries that talk to the world.
#include <string>

namespace crmexport {

// "crmexport 0.1.0\nlibcurl 7.88.1 (OpenSSL/3.0.11)\nSQLite 3.40.1\nOpenSSL 3.0.11 ...", the
// versions loaded at run time (what a bug report needs), not those compiled against.
std::string version_report();

}  // namespace crmexport
