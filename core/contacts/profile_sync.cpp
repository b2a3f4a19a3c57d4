#include "contacts/profile_sync.hpp"
