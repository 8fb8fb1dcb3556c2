// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What a coalescing setting should give: the interrupt cap and the prediction, pure (see coalesce.h). */
#include <math.h>
#include "coalesce.h"
#include "model.h"

double coal_irq_cap(const struct ethtool_coalesce *ec, const char *driver, double lambda)
{
	double u = ec->rx_coalesce_usecs, f = ec->rx_max_coalesced_frames, by_time, by_frames;

	if (ec->use_adaptive_rx_coalesce || coal_usecs_note(driver, ec->rx_coalesce_usecs) || !(lambda > 0))
		return NAN;
	by_time = u > 0 ? 1e6 / (u * lambda) : 1;
	by_frames = f > 0 ? 1 / f : 1;
	if (u > 0 && f > 0)
		return fmin(1, fmax(by_time, by_frames));
	return fmin(1, u > 0 ? by_time : by_frames);
}

bool coal_predict(const struct coal_ref *ref, double cap, double lambda, struct coal_pred *out)
{
	double k = ref->cpus > 0 ? ref->cpus : 1, ipp;
	struct model_params mp;

	out->irqs_per_pkt = out->pkts_per_irq = out->irq_share_pct = out->gamma_pps = NAN;
	if (!isfinite(cap) || !(lambda > 0) || !(ref->irqs_per_pkt > 0))
		return false;
	ipp = fmin(ref->irqs_per_pkt, cap);
	out->irqs_per_pkt = ipp;
	out->pkts_per_irq = 1 / ipp;
	if (!(ref->hardirq_us >= 0))
		return true;
	out->irq_share_pct = 100 * lambda * ipp * ref->hardirq_us * 1e-6 / k;
	if (!(ref->proto_us > 0))
		return true;
	mp = (struct model_params){ .isr_s = ref->hardirq_us * 1e-6 * ipp, .proto_s = ref->proto_us * 1e-6,
				    .buffer = ref->buffer >= 1 ? ref->buffer : 1000 };
	out->gamma_pps = k * model_throughput(MODEL_DMA, &mp, lambda / k);
	return true;
}
