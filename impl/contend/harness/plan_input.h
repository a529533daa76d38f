// PlanInput: what every family's scenario plan is made from (the machine,
// its ladder, quick or full) and the rules the plans share, written once
// here so that no plan decides them for itself:
//
//   oversubscribed()  whether an instance's runnable threads or processes
//                     outnumber the allowed PUs: the mark in its name.
//   points()          which ladder points a plan measures. A full run:
//                     all of them. A quick run keeps fewer, each family
//                     naming which subset answers its question (QuickPoints).
//   placements()      which worker-to-PU maps: each distinct map once, and
//                     in a quick run compact's alone where placement is not
//                     the family's question (QuickPlacements). Past the PU
//                     count every map wraps and shares PUs: the question
//                     there is the scheduler's, asked once, under compact.
//                     Between the ladder's boundaries, where its points
//                     fill in a curve's shape (ladder.h), compact alone
//                     too: placement is asked where the hardware changes.
//   full_grid()       whether a scenario grid (queue shapes, payloads and
//                     capacities; the lock dial) is measured whole at a
//                     worker count: up to kFullGridWorkers (2: the pair,
//                     where every split is 1:1). Past it a plan
//                     keeps one entry per thinned axis (the n:n split, the
//                     first payload and capacity, the middle dial), so a
//                     large machine's ladder points cost a few instances
//                     each; the grid's questions are asked where they are
//                     cheap, and the scaling question at every point.
//
// A plan is pure data: a function of a PlanInput, with no Google Benchmark
// in it, so it can be tested on synthetic machines (Topology::synthetic).
#pragma once

#include <vector>

#include "contend/topology/ladder.h"
#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend {

// The ladder points a quick run keeps; a full run keeps every point.
enum class QuickPoints {
  kAll,          // the whole ladder, the oversubscribed point included
  kFitting,      // every point that fits the machine: the oversubscribed
                 // point is a question about the scheduler, left to the full
                 // run. Where no point of the scenario's minimum size fits
                 // (a queue needs two workers, a one-PU machine has one),
                 // the oversubscribed point instead: a scenario is never lost.
  kOneAndFull,   // one worker and the full machine: the two ends of a curve
  kFullMachine,  // the largest point that fits: the question asked once,
                 // where it matters most
};

// The placement policies a quick run tries; a full run tries every one.
enum class QuickPlacements { kAll, kCompact };

inline constexpr int kFullGridWorkers = 2;

struct PlanInput {
  Topology topology;
  std::vector<LadderPoint> ladder;  // build_ladder(topology)
  bool quick = false;

  static PlanInput of(Topology topology, bool quick);

  // True when `runnable` threads or processes (a scenario's workers and any
  // client or parent running beside them) cannot each have an allowed PU
  // of their own. The one test of oversubscription: every plan marks its
  // instances with it. (A ladder point's own mark is the same test of its
  // worker count.)
  bool oversubscribed(int runnable) const { return runnable > topology.pu_count(); }

  // The ladder points of at least `min_workers` workers this run measures,
  // in ladder order.
  std::vector<LadderPoint> points(QuickPoints quick_points, int min_workers = 1) const;

  // One entry per distinct worker-to-PU map of `workers` workers among the
  // policies this run tries, in kAllPlacements order of their canonical
  // policies (DistinctPlacement: a map two policies share is measured once,
  // under the first, and stands for both).
  std::vector<DistinctPlacement> placements(int workers,
                                            QuickPlacements quick_placements) const;

  // A point of the ladder between its boundaries, filling in a curve's
  // shape (ladder.h): measured under compact alone.
  bool is_filler_point(int workers) const;

  // See above: true at up to kFullGridWorkers workers; in a quick run,
  // whatever the plan's own quick rules keep.
  bool full_grid(int workers) const { return quick || workers <= kFullGridWorkers; }
};

}  // namespace contend
