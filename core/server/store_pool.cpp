#include "server/store_pool.hpp"

#include <exception>

namespace connhost::server {

StorePool::StorePool(std::function<store::Store()> open, size_t max_size)
    : open_(std::move(open)), max_size_(max_size < 1 ? 1 : max_size) {}

StorePool::Lease::Lease(StorePool& pool, std::unique_ptr<store::Store> store)
    : pool_(pool), store_(std::move(store)), exceptions_(std::uncaught_exceptions()) {}

StorePool::Lease::~Lease() {
  pool_.release(std::move(store_), std::uncaught_exceptions() == exceptions_);
}

StorePool::Lease StorePool::acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || lent_ < max_size_; });
  ++lent_;
  if (!idle_.empty()) {
    auto s = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(s));
  }
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<store::Store>(open_()));
  } catch (...) {
    lock.lock();
    --lent_;
    returned_.notify_one();
    throw;
  }
}

void StorePool::release(std::unique_ptr<store::Store> store, bool keep) {
  std::lock_guard lock(mutex_);
  --lent_;
  if (keep && store) idle_.push_back(std::move(store));
  returned_.notify_one();
}

}  // namespace connhost::server
