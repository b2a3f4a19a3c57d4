#pragma once

// How a configuration's [store] becomes the options to open it: the commands, the scheduler's
// own session and every other module that opens a connection of its own read it the same way.

#include "config/config.hpp"
#include "store/store.hpp"

namespace connhost::pipeline {

// Resolves a store.url given as a reference. Throws std::invalid_argument, with a message fit
// for ops, when it cannot be read.
store::StoreOptions store_options(const config::HostConfig& config);

}  // namespace connhost::pipeline
