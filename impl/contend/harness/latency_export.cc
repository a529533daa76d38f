// LatencyExport. See latency_export.h.
#include "contend/harness/latency_export.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace contend {

namespace {

[[noreturn]] void fail(const std::string& path, int error) {
  throw std::runtime_error("cannot write latency histogram " + path + ": " +
                           std::strerror(error));
}

// `text` into `path`, created or truncated; false with errno set on failure.
bool write_file(const std::string& path, const std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (!file) return false;
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size() &&
                       std::fflush(file) == 0;
  const int error = errno;
  // fclose reports a write the kernel refused late (a full disk, say).
  const bool closed = std::fclose(file) == 0;
  if (!written) errno = error;
  return written && closed;
}

}  // namespace

LatencyExport::LatencyExport() = default;
LatencyExport::~LatencyExport() = default;

void LatencyExport::enable() {
  std::lock_guard lock(mutex_);
  enabled_ = true;
}

bool LatencyExport::enabled() const {
  std::lock_guard lock(mutex_);
  return enabled_;
}

void LatencyExport::begin_call(std::string_view instance) {
  std::lock_guard lock(mutex_);
  if (!enabled_ || instance == instance_) return;
  commit_instance();
  instance_ = instance;
}

void LatencyExport::add(const LatencyHistogram& latencies, int64_t iterations) {
  std::lock_guard lock(mutex_);
  if (!enabled_ || iterations < kept_iterations_) return;
  if (!current_) {
    current_ = std::make_unique<LatencyHistogram>(latencies.significant_digits());
    done_ = std::make_unique<LatencyHistogram>(latencies.significant_digits());
  }
  if (iterations > kept_iterations_) {  // the calls kept so far were probes
    current_->clear();
    kept_iterations_ = iterations;
  }
  current_->merge(latencies);
}

void LatencyExport::commit_instance() {
  if (current_) {
    done_->merge(*current_);
    current_->clear();
  }
  kept_iterations_ = 0;
}

uint64_t LatencyExport::count() const {
  std::lock_guard lock(mutex_);
  return current_ ? current_->count() + done_->count() : 0;
}

std::unique_ptr<LatencyHistogram> LatencyExport::merged() const {
  auto all = std::make_unique<LatencyHistogram>(done_->significant_digits());
  all->merge(*done_);
  all->merge(*current_);
  return all;
}

bool LatencyExport::write_hgrm(const std::string& path) const {
  std::ostringstream text;
  {
    std::lock_guard lock(mutex_);
    if (!current_ || current_->count() + done_->count() == 0) return false;
    merged()->write_percentile_distribution(text, 1000.0);  // microseconds
  }
  const std::string partial = path + ".tmp";
  if (!write_file(partial, text.str())) {
    const int error = errno;
    std::remove(partial.c_str());
    fail(path, error);
  }
  // rename() replaces `path` in one step: a reader (or a crash) sees the
  // old file or the whole new one, never half of it.
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(partial.c_str());
    fail(path, error);
  }
  return true;
}

LatencyExport& process_latency_export() {
  static LatencyExport the_export;
  return the_export;
}

}  // namespace contend
