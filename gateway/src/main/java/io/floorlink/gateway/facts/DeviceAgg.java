package io.floorlink.gateway.facts;

/** Additive increments of a device's read counters over one bucket ({@code device_minute} columns). */
public final class DeviceAgg {
    long readsOk;
    long readsFailed;

    public void addReadsOk(long increment) {
        readsOk += increment;
    }

    public void addReadsFailed(long increment) {
        readsFailed += increment;
    }

    void merge(DeviceAgg o) {
        readsOk += o.readsOk;
        readsFailed += o.readsFailed;
    }
}
