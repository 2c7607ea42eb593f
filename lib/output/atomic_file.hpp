#pragma once
// An output file that only ever appears complete. The export writes to a hidden temporary file in
// the same folder (same filesystem, so rename() is atomic) and renames it over the final name
// once finished; a failed export removes it, and an older file with the final name stays as it was.
#include <cstdio>
#include <filesystem>

namespace crmexport::output {

// Removes the temporary files (`.NAME.EXT.tmp-PID-RANDOM`) that runs killed with kill -9 left in
// `folder`: those whose process is gone and that are older than this process. Says so on stderr.
void remove_stale_temporaries(const std::filesystem::path& folder);
// Flushes, syncs to disk and closes `stream`: the errno of the first failure, 0 when none. Before
// a rename that makes a file visible, so that a crash cannot leave the name on missing bytes.
int sync_and_close(std::FILE* stream) noexcept;
// Makes a rename in `folder` durable (fsync of the folder); best effort, as some filesystems refuse.
void sync_folder(const std::filesystem::path& folder);

class AtomicFile {
 public:
  // Opens `.<final name>.tmp-<pid>-<random>` next to `final_path` (O_EXCL, mode 0644 less the
  // umask), first removing such files of dead earlier runs from that folder. Throws Fatal(runtime)
  // naming the path when it cannot.
  static AtomicFile create(const std::filesystem::path& final_path);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  // Unless commit() succeeded: closes and removes the temporary file.
  ~AtomicFile();

  // Where the export writes; owned by this object; nullptr after commit().
  std::FILE* stream() const { return m_stream; }
  // The hidden file being written, e.g. for messages.
  const std::filesystem::path& temporary_path() const { return m_temporary_path; }
  // Flushes, syncs to disk, closes and renames over the final path. Throws Fatal(runtime).
  void commit();

 private:
  AtomicFile(std::filesystem::path final_path, std::filesystem::path temporary_path, std::FILE* stream);
  // Closes and removes the temporary file unless committed; leaves this object empty.
  void discard() noexcept;

  std::filesystem::path m_final_path;
  std::filesystem::path m_temporary_path;
  std::FILE* m_stream = nullptr;
  bool m_committed = false;
};

}  // namespace crmexport::output
