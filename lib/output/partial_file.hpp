#pragma once
// A file export that can be continued. Records go to FILE.partial; after a page the writer
// flushed, what a later run needs to continue (the cursor, the counts, the byte length of the
// valid prefix, what made the bytes) is saved beside it in FILE.partial.state: mode 0600,
// replaced by a rename, so that a failed, interrupted or killed (kill -9) run leaves a consistent
// pair. Not after every page: a new file and a rename per page cost about a tenth of a fast
// export's CPU, so the state is saved for the first and the last page and then at most every
// k_checkpoint_interval; every stop that runs code (failure, signal, full disk) saves the newest
// one in keep(), and kill -9 leaves one at most that old. Either way the bytes FILE.partial has
// beyond its state belong to pages a resume reads again. `export --resume` cuts FILE.partial
// back to that length and appends. When the export ends FILE.partial becomes FILE; for CSV with
// every column, FILE.partial holds the spooled records (see csv_all_columns_writer.hpp) and is
// removed once the CSV is written.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"

namespace crmexport::output {

// (name, value) pairs that decide the bytes (type, format, --fields, --since, ...): a run may
// only continue a partial file made with the same ones.
using MadeBy = std::vector<std::pair<std::string, std::string>>;

struct PartialState {
  MadeBy made_by;
  std::string cursor;  // where the next page starts (lib/engine/resume.hpp)
  bool last = false;   // every page was written; only the end of the document is missing
  long records = 0;
  long pages = 0;
  long requests = 0;
  long tokens = 0;
  double seconds = 0;                  // spent reading, over every run of this file
  std::optional<long> provider_total;  // the provider's count when the first run began
  std::string started_at;              // RFC 3339 UTC: when the first run began this file
  std::uint64_t bytes = 0;             // the valid prefix of FILE.partial
};

// How old the saved state may get while pages keep coming: what kill -9 makes a resume read again.
inline constexpr std::chrono::milliseconds k_checkpoint_interval{250};

std::filesystem::path partial_path(const std::filesystem::path& final_path);  // FILE.partial
std::filesystem::path state_path(const std::filesystem::path& final_path);    // FILE.partial.state

class PartialFile {
 public:
  // A new, empty FILE.partial with no state yet; replaces what an earlier run left (said on
  // stderr). Throws Fatal(runtime) naming the path when it cannot.
  static PartialFile start(const std::filesystem::path& final_path);
  // The FILE.partial an earlier run left, cut back to its state's length and open for appending;
  // nullopt when there is none. A usage error when it was made by other options (naming the
  // first that differs) or does not match its state.
  static Result<std::optional<PartialFile>> resume(const std::filesystem::path& final_path, const MadeBy& made_by);

  PartialFile(PartialFile&& other) noexcept;
  PartialFile& operator=(PartialFile&&) = delete;
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  // Unless committed or removed: keep().
  ~PartialFile();

  std::FILE* stream() const { return m_stream; }
  // As saved in FILE.partial.state (or as resumed); zero counts for a new file.
  const PartialState& state() const { return m_state; }
  const std::filesystem::path& path() const { return m_partial_path; }
  // A page boundary: `state` with the stream's length (the writer has flushed it) is where the
  // file goes on. Saved at once for the first page, the last (`state.last`) and when the last
  // save is k_checkpoint_interval old at `now` (the engine's clock); else held for the next
  // checkpoint or keep(). Throws Fatal(runtime).
  void checkpoint(PartialState state, std::chrono::steady_clock::time_point now);
  // From now on the file's bytes are hashed as they are written (page by page, from the page
  // cache), after those already there (a resumed prefix, once), so that commit() knows FILE's
  // SHA-256 without reading it again. Throws Fatal(runtime).
  void hash_bytes();
  // FILE.partial becomes FILE (flushed and synced first); the state goes. Throws Fatal(runtime).
  void commit();
  // After commit(), with hash_bytes(): FILE's SHA-256 in lower-case hex.
  const std::optional<std::string>& sha256() const { return m_sha256; }
  // FILE.partial held spooled records and FILE was written from them: both files go.
  void remove() noexcept;
  // After a failure: the newest checkpoint is saved (an older one stays when it cannot be, as on a
  // full disk), FILE.partial is cut back to the state saved and both files stay; true.
  // When no page was saved there is nothing to continue: both go; false. Again: the same answer.
  bool keep() noexcept;

 private:
  PartialFile(std::filesystem::path final_path, std::FILE* stream, PartialState state, bool saved);
  void save(PartialState state);
  void cut_back(std::uint64_t bytes) noexcept;
  void hash_up_to(std::uint64_t length);
  void close() noexcept;

  std::filesystem::path m_final_path;
  std::filesystem::path m_partial_path;
  std::unique_ptr<char[]> m_buffer;  // m_stream's, so it goes after the stream is closed
  std::FILE* m_stream = nullptr;
  PartialState m_state;                 // as in FILE.partial.state
  std::optional<PartialState> m_newer;  // a later page boundary, not saved yet
  std::optional<std::chrono::steady_clock::time_point> m_saved_at;  // by this run
  std::optional<Sha256> m_hash;  // of the bytes before m_hashed
  std::uint64_t m_hashed = 0;
  std::optional<std::string> m_sha256;
  bool m_saved = false;  // a state file exists for this partial
  bool m_done = false;   // committed, removed or kept
  bool m_kept = false;
};

}  // namespace crmexport::output
