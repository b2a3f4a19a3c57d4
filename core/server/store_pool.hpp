#pragma once

// Store connections for the request threads. A SOCI session is not thread-safe, so each request
// borrows a whole Store for as long as it runs SQL; connections are opened on demand up to a
// bound and kept for the next request.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/store.hpp"

namespace connhost::server {

class StorePool {
 public:
  // `open` connects one Store (cli::open_store, or a test's own); `max_size` >= 1.
  StorePool(std::function<store::Store()> open, size_t max_size);
  StorePool(const StorePool&) = delete;
  StorePool& operator=(const StorePool&) = delete;

  // A borrowed connection, returned to the pool when the lease ends. A lease that ends by an
  // exception drops its connection instead: after a failed statement the session may be in any
  // state (an aborted PostgreSQL transaction, a lost socket), and the next request deserves a
  // fresh one.
  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<store::Store> store);
    Lease(Lease&&) = delete;
    ~Lease();
    store::Store& operator*() const { return *store_; }
    store::Store* operator->() const { return store_.get(); }

   private:
    StorePool& pool_;
    std::unique_ptr<store::Store> store_;
    int exceptions_ = 0;
  };

  // Waits while `max_size` connections are lent. Throws store::StoreError when a new connection
  // cannot be opened.
  Lease acquire();

 private:
  void release(std::unique_ptr<store::Store> store, bool keep);

  std::function<store::Store()> open_;
  size_t max_size_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<store::Store>> idle_;
  size_t lent_ = 0;
};

}  // namespace connhost::server
