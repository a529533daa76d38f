// Recorders and the judge of counter/critical_section. See
// critical_section_workload.h.
#include "contend/counter/critical_section_workload.h"

#include "contend/counter/counter_workload.h"

namespace contend {

namespace {

uint64_t total_count(const std::vector<std::unique_ptr<LatencyHistogram>>& histograms) {
  uint64_t total = 0;
  for (const auto& h : histograms) total += h->count();
  return total;
}

}  // namespace

WorkIterations WorkIterations::of(const ContentionDial& dial) {
  return {calibrated_iterations(dial.cs_ns), calibrated_iterations(dial.think_ns)};
}

AcquisitionRecorders::AcquisitionRecorders(int workers) {
  for (int w = 0; w < workers; ++w) {
    episode_waits_.push_back(std::make_unique<LatencyHistogram>());
    episode_handovers_.push_back(std::make_unique<LatencyHistogram>());
  }
}

void AcquisitionRecorders::begin_episode() {
  for (auto& h : episode_waits_) h->clear();
  for (auto& h : episode_handovers_) h->clear();
}

std::string AcquisitionRecorders::check(uint64_t acquisitions) const {
  const uint64_t waits = total_count(episode_waits_);
  const uint64_t handovers = total_count(episode_handovers_);
  if (waits != acquisitions)
    return "recorded " + std::to_string(waits) + " acquire waits for " +
           std::to_string(acquisitions) + " acquisitions";
  if (handovers > acquisitions)
    return "recorded " + std::to_string(handovers) + " hand-overs for " +
           std::to_string(acquisitions) + " acquisitions";
  return {};
}

void AcquisitionRecorders::keep_episode() {
  for (const auto& h : episode_waits_) acquire_waits_.merge(*h);
  for (const auto& h : episode_handovers_) handovers_.merge(*h);
}

void AcquisitionRecorders::forget_kept() {
  acquire_waits_.clear();
  handovers_.clear();
}

EpisodeVerdict judge_acquisitions(uint64_t acquisitions, uint64_t counted,
                                  AcquisitionRecorders& recorders) {
  EpisodeVerdict verdict = CounterVerdict{acquisitions, counted}.episode_verdict(true);
  if (verdict.error.empty()) verdict.error = recorders.check(acquisitions);
  if (verdict.error.empty()) recorders.keep_episode();
  return verdict;
}

}  // namespace contend
