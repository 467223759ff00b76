unshare -n sleep 100 & P=$!
while [ "$(readlink /proc/$P/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do :; done
echo $P > /tmp/nsid-probe/inner.pid
cat /proc/$P/status | grep NSpid > /tmp/nsid-probe/inner.nspid
sleep 3
