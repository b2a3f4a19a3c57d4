#include "login/refresh_loop.hpp"

#include "log/logger.hpp"
#include "metrics/metrics.hpp"
#include "store/timestamp.hpp"
#include "vault/grants.hpp"

namespace connhost::login {

RefreshLoop::RefreshLoop(const Refresher& refresher, std::function<store::Store()> open_store,
                         metrics::Registry* metrics, Options options)
    : refresher_(refresher), metrics_(metrics), options_(options) {
  if (metrics_)
    metrics_->declare("connhost_grants", "Grants in the token vault by status",
                      metrics::Registry::Type::gauge);
  thread_ = std::thread([this, open = std::move(open_store)]() mutable { run(std::move(open)); });
}

RefreshLoop::~RefreshLoop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

RefreshLoop::PassReport RefreshLoop::pass(const Refresher& refresher, store::Store& store,
                                          std::chrono::seconds ahead, metrics::Registry* metrics) {
  auto& sql = store.session();
  PassReport report;
  auto due =
      vault::grants_expiring(sql, store::timestamp_at(std::chrono::system_clock::now() + ahead));
  for (const auto& g : due) {
    auto outcome = refresher.refresh(sql, g.id, ahead);
    switch (outcome.kind) {
      case RefreshOutcome::Kind::refreshed:
        ++report.refreshed;
        break;
      case RefreshOutcome::Kind::reauth_required:
        ++report.reauth_required;
        break;
      case RefreshOutcome::Kind::failed:
        ++report.failed;
        break;
      default:
        ++report.skipped;  // not due after all, another host's, backing off, or gone
    }
  }
  if (metrics) {
    auto counts = vault::count_grants(sql);
    for (std::string status : {"active", "reauth_required", "revoked"}) {
      auto it = counts.by_status.find(status);
      metrics->gauge("connhost_grants", "", {{"status", status}})
          .set(static_cast<double>(it == counts.by_status.end() ? 0 : it->second));
    }
  }
  return report;
}

void RefreshLoop::run(std::function<store::Store()> open_store) {
  std::optional<store::Store> store;
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    try {
      if (!store) store.emplace(open_store());
      auto r = pass(refresher_, *store, options_.ahead, metrics_);
      if (r.refreshed || r.reauth_required || r.failed)
        log::info("grant refresh: {} refreshed, {} need re-authorization, {} failed", r.refreshed,
                  r.reauth_required, r.failed);
    } catch (const std::exception& e) {
      // The next pass starts over with a new session: the database may have gone away.
      log::warn("grant refresh pass failed: {}", e.what());
      store.reset();
    }
    lock.lock();
    wake_.wait_for(lock, options_.every, [this] { return stop_; });
  }
}

}  // namespace connhost::login
