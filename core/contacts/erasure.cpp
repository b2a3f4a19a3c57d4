#include "contacts/erasure.hpp"
