import json,sys,collections,subprocess
f=sys.argv[1]; depth=int(sys.argv[2]) if len(sys.argv)>2 else 12
out=subprocess.run(['/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr','print','--json','--stack-depth','64','--events','jdk.ExecutionSample',f],capture_output=True,text=True).stdout
ev=json.loads(out)['recording']['events']
incl=collections.Counter(); n=0
for e in ev:
    fr=e['values']['stackTrace']['frames'] if e['values']['stackTrace'] else []
    n+=1
    seen=set()
    for x in fr:
        m=x['method']; k=m['type']['name']+'.'+m['name']
        if k not in seen:
            seen.add(k); incl[k]+=1
print('samples',n)
for k,c in incl.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 60):
    if any(s in k for s in ('storelog','jackson','http','helidon','Json','jdk.internal.net')):
        print(f'{c:5d} {100*c/n:5.1f}% {k}')
