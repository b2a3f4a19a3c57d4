#include "vault/consent_log.hpp"
