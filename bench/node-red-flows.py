#!/usr/bin/env python3
"""Node-RED flows for the Modbus fleet benchmark (bench/modbus-fleet.sh --node-red).

Reads lines "IMM-01 modbus-tcp://127.0.0.1:5020" from stdin and writes flows.json: per machine one
node-red-contrib-modbus TCP client and three Modbus-Read nodes polling every second what FloorLink's connector
reads for the same 14 points with `max_gap: 8` (holding registers 0..37 in one request: 12 points; coil 1; discrete
input 1), each feeding one function node that counts the points delivered, and GET /bench/points answering that
count in the Prometheus text form the benchmark script reads.

With --mqtt PORT USER PASSWORD_FILE CREDENTIALS_OUT each Modbus-Read node also feeds an MQTT-out node that publishes
what it read (the register, coil or input array as JSON, QoS 0) to bench/<machine>/<area> on the broker at
127.0.0.1:PORT, as a gateway forwarding its reads would; the broker login goes to CREDENTIALS_OUT (flows_cred.json,
plain because settings.js sets no credentialSecret).
"""
import json
import sys

MQTT = None
if len(sys.argv) == 6 and sys.argv[1] == "--mqtt":
    MQTT = {"port": sys.argv[2], "user": sys.argv[3], "password": open(sys.argv[4]).read().strip(),
            "credentials": sys.argv[5]}
elif len(sys.argv) != 1:
    sys.exit("usage: node-red-flows.py [--mqtt PORT USER PASSWORD_FILE CREDENTIALS_OUT] < machines")

# (function code name, first address, quantity, points the answer carries)
READS = [("HoldingRegister", 0, 38, 12), ("Coil", 1, 1, 1), ("Input", 1, 1, 1)]

flows = [{"id": "bench-tab", "type": "tab", "label": "modbus fleet"}]
flows.append({
    "id": "count", "type": "function", "z": "bench-tab", "name": "count points",
    "func": "const n = (global.get('points') || 0) + Number(msg.points || 0);\n"
            "global.set('points', n);\nreturn null;",
    "outputs": 1, "noerr": 0, "x": 600, "y": 40, "wires": [[]]})
flows.append({"id": "http-in", "type": "http in", "z": "bench-tab", "name": "", "url": "/bench/points",
              "method": "get", "upload": False, "swaggerDoc": "", "x": 120, "y": 20, "wires": [["answer"]]})
flows.append({
    "id": "answer", "type": "function", "z": "bench-tab", "name": "points_read",
    "func": "msg.payload = 'points_read ' + (global.get('points') || 0) + '\\n';\n"
            "msg.headers = {'content-type': 'text/plain'};\nreturn msg;",
    "outputs": 1, "noerr": 0, "x": 300, "y": 20, "wires": [["http-out"]]})
flows.append({"id": "http-out", "type": "http response", "z": "bench-tab", "name": "", "statusCode": "",
              "headers": {}, "x": 480, "y": 20, "wires": []})

if MQTT:
    flows.append({"id": "bench-broker", "type": "mqtt-broker", "name": "bench", "broker": "127.0.0.1",
                  "port": MQTT["port"], "clientid": "", "autoConnect": True, "usetls": False, "protocolVersion": "4",
                  "keepalive": "60", "cleansession": True, "autoUnsubscribe": True, "birthTopic": "",
                  "closeTopic": "", "willTopic": "", "sessionExpiry": ""})
    with open(MQTT["credentials"], "w") as out:
        json.dump({"bench-broker": {"user": MQTT["user"], "password": MQTT["password"]}}, out)

for line in sys.stdin:
    parts = line.split()
    if len(parts) < 2:
        continue
    machine, url = parts[0], parts[1]
    host, port = url.split("://", 1)[1].rsplit(":", 1)
    client = "client-" + machine
    flows.append({
        "id": client, "type": "modbus-client", "name": machine, "clienttype": "tcp", "bufferCommands": True,
        "stateLogEnabled": False, "queueLogEnabled": False, "failureLogEnabled": False, "tcpHost": host,
        "tcpPort": port, "tcpType": "DEFAULT", "serialPort": "/dev/ttyUSB", "serialType": "RTU-BUFFERD",
        "serialBaudrate": "9600", "serialDatabits": "8", "serialStopbits": "1", "serialParity": "none",
        "serialConnectionDelay": "100", "serialAsciiResponseStartDelimiter": "0x3A", "unit_id": "1",
        "commandDelay": "1", "clientTimeout": "1000", "reconnectOnTimeout": True, "reconnectTimeout": "2000",
        "parallelUnitIdsAllowed": True, "showErrors": False, "showWarnings": False, "showLogs": False})
    for i, (fc, address, quantity, points) in enumerate(READS):
        read = "read-%s-%d" % (machine, i)
        tag = "tag-%s-%d" % (machine, i)
        flows.append({
            "id": read, "type": "modbus-read", "z": "bench-tab", "name": "", "topic": "", "showStatusActivities":
            False, "logIOActivities": False, "showErrors": False, "showWarnings": False, "unitid": "1",
            "dataType": fc, "adr": str(address), "quantity": str(quantity), "rate": "1", "rateUnit": "s",
            "delayOnStart": False, "startDelayTime": "", "server": client, "useIOFile": False, "ioFile": "",
            "useIOForPayload": False, "emptyMsgOnFail": False, "x": 150, "y": 80,
            "wires": [[tag] + (["mqtt-" + read] if MQTT else []), []]})
        if MQTT:
            flows.append({
                "id": "mqtt-" + read, "type": "mqtt out", "z": "bench-tab", "name": "",
                "topic": "bench/%s/%s" % (machine, fc.lower()), "qos": "0", "retain": "false",
                "broker": "bench-broker", "x": 350, "y": 120, "wires": []})
        flows.append({
            "id": tag, "type": "change", "z": "bench-tab", "name": "",
            "rules": [{"t": "set", "p": "points", "pt": "msg", "to": str(points), "tot": "num"}],
            "x": 350, "y": 80, "wires": [["count"]]})

json.dump(flows, sys.stdout)
