// sfq/sfq.hpp — the whole public API of libsfq in one include.
#pragma once

#include "sfq/client.hpp"
#include "sfq/error.hpp"
#include "sfq/format.hpp"
#include "sfq/keys.hpp"
#include "sfq/log.hpp"
#include "sfq/names.hpp"
#include "sfq/options.hpp"
#include "sfq/result.hpp"
#include "sfq/statement.hpp"
#include "sfq/value.hpp"
