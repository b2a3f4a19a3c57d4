#pragma once

// For the modules built on the store (state, facts, leases ...): the SOCI session behind a
// Store, through Store::session(). Kept apart from store.hpp so that only the files running
// SQL pay for SOCI's headers. Link connhost_store; it carries SOCI::core.

#include <soci/soci.h>

#include "store/store.hpp"
