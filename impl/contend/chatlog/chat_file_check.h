// The file check after every chatlog episode: what the chat file holds,
// and whether it is what the receivers accepted.
//
// read_chat_file parses the file's text line by line (chat_message.h's
// format). It is an error (ChatFile::error, the first one found):
//   - a torn line: one that does not parse as a whole line (a cut-off
//     payload, two lines glued together, a missing final newline),
//   - a line of a sender or seq outside the episode,
//   - a duplicate: the same (sender, seq) twice,
//   - a reorder: a sender's seq not above that sender's previous one.
// check_against_ledger then compares the lines present with the ledger:
//   - a line no receiver received (a phantom) is an error,
//   - an accepted message missing from the file is counted in `missing`;
//     for a log episode, where every writer was closed, any is an error
//     (log_episode), for a crash episode it is the measurement.
// Acknowledged-but-missing messages are counted in `acked_missing`.
//
// A torn tail: with TornTail::kAllowed (the crash check), a last line
// without its newline is not an error but ChatFile::torn_tail, and is not
// counted as present. SIGKILL interrupts a long write(2)/writev(2) to a
// regular file between pages (the kernel checks for a fatal signal while
// copying), so a writer killed mid-batch leaves a cut-off last line: what
// a reader of a crashed log must expect. Anywhere else a torn line is an
// error, and in a log episode (every writer closed) so is a torn tail.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "contend/chatlog/message_ledger.h"

namespace contend::chatlog {

enum class TornTail { kError, kAllowed };

struct ChatFile {
  uint64_t lines = 0;
  bool torn_tail = false;  // TornTail::kAllowed only
  std::string error;                       // empty: every line whole, unique, in order
  std::vector<std::vector<bool>> present;  // [sender][seq]
};

ChatFile read_chat_file(std::string_view text, int senders, uint32_t per_sender,
                        TornTail torn_tail = TornTail::kError);
// Reads the file at `path` (throws std::system_error if it cannot).
ChatFile read_chat_file_at(const std::string& path, int senders, uint32_t per_sender,
                           TornTail torn_tail = TornTail::kError);

struct LedgerComparison {
  uint64_t missing = 0;        // accepted, not in the file
  uint64_t acked_missing = 0;  // acknowledged, not in the file
  std::string error;           // a phantom line (file.error is not repeated here)
};

LedgerComparison check_against_ledger(const ChatFile& file, const MessageLedger& ledger);

}  // namespace contend::chatlog
