# Cross-check of the single-break references with R (base and datasets only).
# Run from the repository root:
#   Rscript tests/changepoint/reference/reference.R > tests/changepoint/reference/reference_R.txt
# Positions are 0-based positions of the first year of the new regime (R index - 1).
dates <- read.csv("tests/changepoint/data/coal_dates.csv", comment.char = "#")$date
coal <- as.vector(table(factor(floor(dates), levels = 1851:1962)))
cat("coal_total", sum(coal), "\n")
n <- length(coal)
ll <- sapply(2:(n - 2), function(k) {
  a <- coal[1:k]; b <- coal[(k + 1):n]
  sum(dpois(a, mean(a), log = TRUE)) + sum(dpois(b, mean(b), log = TRUE))
})
k <- (2:(n - 2))[which.max(ll)]
cat("coal_poisson_position", k, "\n")
cat("coal_poisson_first_year_new_regime", 1850 + k + 1, "\n")
cat("coal_poisson_loglik", sprintf("%.10f", max(ll)), "\n")
nile <- as.numeric(Nile)
m <- length(nile)
rss <- sapply(2:(m - 2), function(k) {
  a <- nile[1:k]; b <- nile[(k + 1):m]
  sum((a - mean(a))^2) + sum((b - mean(b))^2)
})
k <- (2:(m - 2))[which.min(rss)]
cat("nile_position", k, "\n")
cat("nile_first_year_new_regime", 1870 + k + 1, "\n")
cat("nile_rss", sprintf("%.6f", min(rss)), "\n")
