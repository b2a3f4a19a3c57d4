#include "pipeline/launcher.hpp"

#include <exception>

#include "log/logger.hpp"

namespace connhost::pipeline {

Launcher::Launcher(Runner& runner) : runner_(runner) {}

Launcher::~Launcher() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

int64_t Launcher::start(const config::Pipeline& pipeline, RunOptions options) {
  std::unique_lock lock(mutex_);
  for (const auto& [id, a] : active_)
    if (a.pipeline == pipeline.name) throw AlreadyRunning(pipeline.name, id);

  // What the thread reports back before the run is recorded: its id, or why it never began.
  struct Start {
    int64_t run_id = 0;
    bool done = false;
    std::exception_ptr error;
  };
  auto st = std::make_shared<Start>();
  auto user_progress = options.on_progress;
  auto run_id = std::make_shared<std::atomic<int64_t>>(0);
  options.on_started = [this, st, run_id, name = pipeline.name](int64_t id) {
    std::lock_guard l(mutex_);
    *run_id = id;
    active_[id] = Active{name, {}};
    st->run_id = id;
    st->done = true;
    started_.notify_all();
  };
  options.on_progress = [this, run_id, user_progress](const Progress& p) {
    {
      std::lock_guard l(mutex_);
      if (auto it = active_.find(*run_id); it != active_.end()) it->second.progress = p;
    }
    if (user_progress) user_progress(p);
  };
  threads_.emplace_back([this, &pipeline, options, st, run_id] {
    try {
      auto result = runner_.run(pipeline, options);
      log::info("{}: run {} {} ({} rows, {} requests)", pipeline.name, result.run_id, result.status,
                result.rows, result.requests);
    } catch (const std::exception& e) {
      log::error("{}: run failed to start: {}", pipeline.name, e.what());
      std::lock_guard l(mutex_);
      if (!st->done) {
        st->error = std::current_exception();
        st->done = true;
        started_.notify_all();
      }
    }
    std::lock_guard l(mutex_);
    active_.erase(*run_id);
  });
  started_.wait(lock, [&] { return st->done; });
  if (st->error) std::rethrow_exception(st->error);
  return st->run_id;
}

std::optional<Progress> Launcher::progress(int64_t run_id) const {
  std::lock_guard lock(mutex_);
  auto it = active_.find(run_id);
  if (it == active_.end()) return std::nullopt;
  return it->second.progress;
}

}  // namespace connhost::pipeline
