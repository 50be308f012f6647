// `ernsim regress --slurm`: the suite as a Slurm job array, one shard per task, and a dependent job
// that merges the shards' reports into one JUnit file and one summary; progress from squeue while
// it runs. sbatch, squeue, sacct and scancel are run with argument vectors, never through a shell.
#pragma once

#include <string>
#include <vector>

#include "sim/regress/item.h"

namespace ernsim {

struct SlurmRun {
  std::string dir;  // the shards' and the merge's files; on a file system every node shares
  int shards = 4;
  int cpus_per_task = 1;
  std::string partition;   // empty: the cluster's default
  std::string time_limit;  // empty: the partition's default
  double poll_seconds = 5;
  std::string job_name;
  // ernsim and its arguments: a shard's without --shard, --junit and --report (the task adds them),
  // and the merge's whole command.
  std::vector<std::string> shard_command;
  std::vector<std::string> merge_command;
};

// Fail unless the value is one sbatch accepts (checked before anything is submitted).
void check_slurm_partition(const std::string& partition);
void check_slurm_time_limit(const std::string& limit);

// The file names in SlurmRun::dir, shared with the merge (`ernsim regress --merge-shards DIR`).
std::string shard_report_path(const std::string& dir, int shard);
std::string shard_log_path(const std::string& dir, int shard);

// The results of `items` (the whole suite) from the reports of its N shards in `dir` (the merge of
// `ernsim regress --slurm`). A shard without a usable report fails each of its items, naming the
// shard, with the item's command; so does an item its shard's report does not have.
void load_shard_reports(std::vector<Item>& items, const std::string& dir, int shards);

// Submits the array and the merge job, shows progress until the merge job has ended, prints the
// merged summary and returns the exit status: 0 when every item passed, 1 when any failed (a shard
// that wrote no report fails its items). Fails when submission fails or the merge wrote no summary.
int run_on_slurm(const SlurmRun& run);

}  // namespace ernsim
