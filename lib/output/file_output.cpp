#include "lib/output/file_output.hpp"

#include <utility>

#include "lib/core/log.hpp"

namespace crmexport::output {

FileOutput::FileOutput(PartialFile partial, std::optional<AtomicFile> document, bool resumed)
    : m_partial(std::move(partial)), m_document(std::move(document)), m_resumed(resumed) {}

Result<FileOutput> FileOutput::open(const std::filesystem::path& final_path, bool spooled, const MadeBy& made_by,
                                    bool resume, bool hashed) {
  remove_stale_temporaries(final_path.parent_path());
  std::optional<PartialFile> partial;
  if (resume) {
    auto earlier = PartialFile::resume(final_path, made_by);
    if (!earlier) return std::unexpected(earlier.error());
    if (*earlier)
      partial.emplace(std::move(**earlier));
    else
      log::info("--resume: no {} to continue; exporting from the first page", partial_path(final_path).string());
  }
  const bool resumed = partial.has_value();
  if (!partial) partial.emplace(PartialFile::start(final_path));
  if (hashed && !spooled) partial->hash_bytes();  // a spool's bytes are not the file's
  std::optional<AtomicFile> document;
  if (spooled) document.emplace(AtomicFile::create(final_path));
  return FileOutput(std::move(*partial), std::move(document), resumed);
}

WriterOptions FileOutput::writer_options(WriterOptions options) const {
  options.records_before = m_partial.state().records;
  if (m_document) options.spool = m_partial.stream();
  return options;
}

void FileOutput::commit() {
  if (!m_document) {
    m_partial.commit();
    return;
  }
  m_document->commit();
  m_partial.remove();
}

}  // namespace crmexport::output
