# Level-and-slope interrupted time series on Seatbelts, with R's glm and MASS::glm.nb.
#
# The same design as level_slope_reference.py (which produced the stored
# level_slope_values.csv with statsmodels, because R was not available there): monthly
# DriversKilled on a linear trend in years (0, 1/12, ...), month dummies (January the
# reference), PetrolPrice, the law as a level change from February 1983 (the data's `law`
# column) and a change of slope from the same month (0 in February 1983, 1/12 in March, ...).
#
# Run from the repository root (R >= 4 with MASS):
#   Rscript tests/models/reference/level_slope_reference.R
# Writes level_slope_values_R.csv next to this script, to compare with the stored values.
suppressPackageStartupMessages(library(MASS))

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "."

d <- read.csv(file.path(out_dir, "seatbelts_monthly.csv"))
n <- nrow(d)
i <- seq_len(n) - 1
law_start <- (1983 - 1969) * 12 + 1
X <- cbind(const = 1, trend = i / 12,
           sapply(2:12, function(m) as.numeric(i %% 12 + 1 == m)),
           PetrolPrice = d$PetrolPrice,
           law = as.numeric(i >= law_start),
           law_slope = pmax(0, i - law_start) / 12)
colnames(X)[3:13] <- sprintf("month_%02d", 2:12)
ctl <- glm.control(epsilon = 1e-12, maxit = 500)
pois <- glm(d$DriversKilled ~ X - 1, family = poisson, control = ctl)
nb <- glm.nb(d$DriversKilled ~ X - 1, control = ctl)

rows <- list()
add <- function(model, quantity, term, value) {
  rows[[length(rows) + 1]] <<- data.frame(model = model, quantity = quantity, term = term,
                                          value = sprintf("%.17g", value),
                                          program = paste("R", getRversion(), "MASS", packageVersion("MASS")))
}
for (m in list(list("level_slope_poisson", pois), list("level_slope_negbin", nb))) {
  s <- summary(m[[2]])$coefficients
  for (j in seq_len(ncol(X))) {
    add(m[[1]], "coef", colnames(X)[j], s[j, 1])
    add(m[[1]], "se", colnames(X)[j], s[j, 2])
  }
  add(m[[1]], "llf", "", as.numeric(logLik(m[[2]])))
  add(m[[1]], "aic", "", AIC(m[[2]]))
}
add("level_slope_negbin", "theta", "", nb$theta)
add("level_slope_negbin", "se_theta", "", nb$SE.theta)
write.csv(do.call(rbind, rows), file.path(out_dir, "level_slope_values_R.csv"), row.names = FALSE)
