#pragma once
// One type's file with -o, as a resumable export writes it: the document goes to FILE.partial
// (lib/output/partial_file.hpp), except for CSV with every column, whose records are spooled to
// FILE.partial and whose CSV goes to a hidden temporary file (lib/output/atomic_file.hpp) when
// the export ends. Either way FILE appears only when complete.
#include <cstdio>
#include <filesystem>
#include <optional>

#include "lib/core/error.hpp"
#include "lib/output/atomic_file.hpp"
#include "lib/output/partial_file.hpp"
#include "lib/output/writer.hpp"

namespace crmexport::output {

class FileOutput {
 public:
  // `spooled`: CSV with every column. With `resume`, continues the FILE.partial an earlier run
  // left (a usage error when it was made otherwise), or starts afresh and says so on stderr.
  // `hashed`: FILE's SHA-256 is wanted (see sha256()).
  static Result<FileOutput> open(const std::filesystem::path& final_path, bool spooled, const MadeBy& made_by,
                                 bool resume, bool hashed);

  // Where the writer writes the document.
  std::FILE* document() const { return m_document ? m_document->stream() : m_partial.stream(); }
  // The writer's options for this file: what it continues (records before, the spool).
  WriterOptions writer_options(WriterOptions options) const;
  bool resumed() const { return m_resumed; }
  PartialFile& partial() { return m_partial; }
  // After the writer's finish(): FILE appears, FILE.partial and its state go.
  void commit();
  // After commit(), when opened `hashed`: FILE's SHA-256 in lower-case hex, computed as it was
  // written; nullopt for CSV with every column, whose document is written at the end in one go.
  const std::optional<std::string>& sha256() const { return m_partial.sha256(); }

 private:
  FileOutput(PartialFile partial, std::optional<AtomicFile> document, bool resumed);

  PartialFile m_partial;
  std::optional<AtomicFile> m_document;  // CSV with every column only
  bool m_resumed;
};

}  // namespace crmexport::output
