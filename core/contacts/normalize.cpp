#include "contacts/normalize.hpp"
