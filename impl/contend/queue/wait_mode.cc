#include "contend/queue/wait_mode.h"

namespace contend {

std::string_view to_string(WaitMode mode) { return mode == WaitMode::kSpin ? "spin" : "block"; }

}  // namespace contend
