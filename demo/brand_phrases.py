"""Brand-specific phrase banks for the demo sample generator.

See ``phrases.py`` for the template syntax.  Each brand has:

- ``slots``: brand-specific slot fillers;
- ``topics``: topic -> sentiment -> core sentences (each usually names the brand via ``{b}``/``{bapp}``);
- ``details``: sentiment -> follow-up sentences that do not name the brand;
- ``short``: sentiment -> 2-6 word posts;  ``sarcasm``: positive-sounding negative posts;
- ``titles``: sentiment -> review titles;  ``hashtags``/``emoji``: brand flavour;
- ``foreign_thing``/``foreign_extra``: fillers and extra sentences for non-English posts;
- ``events`` (Parcelo only): the planted v5.2 incident, its tail and aftermath.
"""

from __future__ import annotations

from demo.phrases import lines

# ====================================================================================================================
# Parcelo: parcel-delivery app / courier.  Competitor: ShipNest.
# ====================================================================================================================
PARCELO = {
    "slots": {
        "item": lines(
            """
            my trainers
            a birthday present
            my mum's birthday present
            a pair of jeans
            my new phone
            a laptop
            my contact lenses
            a wedding gift
            my kid's school shoes
            a 3kg bag of dog food
            the replacement charger
            a vinyl record
            my prescription glasses
            an order from a small business
            two books
            a gaming headset
            the kids' Halloween costumes
            a return
            a lamp
            my new headphones
            some vitamins
            a rug
            a pack of nappies
            a winter coat
            my sister's birthday present
            some houseplants
            a coffee machine
            a phone case
            a 40th birthday present
            the dog's medication
            a PS5 controller
            my uni textbooks
            a guitar pedal
            my partner's anniversary present
            a pram
            an Etsy order
            """
        ),
        "driver": lines(
            """
            the driver
            the courier
            our driver
            the delivery guy
            the courier lady
            the delivery driver
            our usual courier
            the new driver
            whoever delivered today
            """
        ),
        "place": lines(
            """
            my porch
            the bin store
            next door
            the wrong flat
            the doorstep
            a neighbour three doors down
            the recycling bin
            behind a plant pot
            the communal hallway
            reception
            the garden shed
            someone else's porch
            a random wall
            the front garden
            """
        ),
        "window": lines("8am-12pm\nbetween 2 and 4\na one-hour window\nbefore noon\nby 6pm\nthe morning slot\n10-11am"),
        "money": lines("£3.99\n£4.49\n£6.50\n£2.99\n£11\n£7.20\n£15\n£9.99\n£5.75"),
        "hub": lines("the {town} depot\nthe {town} hub\na depot in {town}\nthe sorting centre\n'the local depot'"),
        "shop": lines("corner shop\nnewsagent\nSpar\npost office\nlocal Co-op\npetrol station\ndry cleaner"),
        "fragile": lines("FRAGILE\nThis Way Up\nHandle With Care\nGLASS"),
        "town2": lines("Leeds\nExeter\nDundee\nBristol\nIpswich\nPreston\nLincoln"),
    },
    "topics": {
        "delivery": {
            "neg": lines(
                """
                {b} marked my parcel as delivered at {time_clock} and it's nowhere to be seen
                Been waiting {days} for {item} and {b} tracking hasn't moved since it left {hub}
                Third time this month {b} has left my parcel at {place}
                Paid for next day delivery with {b}, {days} later still nothing
                {b} said "we tried to deliver" — I was in all day and nobody knocked
                {b} has now pushed back the delivery of {item} twice
                Found {item} soaking wet on {place}. Cheers {b}
                {b} delivery window was {window}. It's now 9pm
                Apparently {b} "delivered" {item} to a safe place. The safe place is a mystery to everyone including me
                {b} has had {item} "out for delivery" for {days}
                {b} lost {item}. Just gone. No photo, no signature, nothing
                Why does every {b} parcel I get go on a tour of {town} before reaching me
                {b} left {item} on the doorstep in full view of the road and it was gone within the hour
                {b} delivered {item} to {place} and didn't even tell me
                Waiting in all day for {b} again. Tracking just says "on its way"
                Still no sign of {item}. {b} keeps saying "delayed" with zero explanation
                How does {b} manage to be late on literally every single delivery
                {b} tracking said 4 stops away for [two|three] hours, then "we missed you"
                """
            ),
            "neu": lines(
                """
                Does {b} deliver on Sundays?
                What time do {b} drivers usually finish? Still waiting on {item}
                Anyone know if {b} can leave parcels with a neighbour if you're out?
                Is {b} next day actually next day or more like 2-3 days?
                Tracking says "at local depot", how long does that usually take with {b}?
                Has anyone used {b} for sending stuff abroad?
                {b} says delivery {window} tomorrow, guess I'm working from home
                Is there a way to change the delivery address with {b} once it's shipped?
                How do {b} safe places work? Can I pick the shed?
                {b} says "delivered to neighbour" but not which one. How do I find out?
                Ordered {item}, seller uses {b}. Expected {weekday} apparently
                Do {b} deliver to the Highlands or is it a third party up there?
                Does {b} need a signature for parcels over a certain value?
                What does "exception" mean on {b} tracking?
                """
            ),
            "pos": lines(
                """
                {b} delivered {item} in under 24 hours, really impressed
                Ordered at 11pm and {b} had it on my doorstep by 10am. Wild
                The {b} photo on delivery thing is genuinely so useful
                First time using {b} and it turned up exactly in the window they said
                {b} came a day early!
                The {b} tracking map showing the van 3 stops away is weirdly satisfying
                Honestly {b} have been flawless for me, every parcel on time
                {b} got {item} to me same day. Saved my skin
                {b} delivered {item} before 9am, didn't even know that was possible
                Had {item} sent with {b} to my mum in {town}, arrived next morning
                Every {b} delivery this year has been on time, no exaggeration
                """
            ),
        },
        "app": {
            "neg": lines(
                """
                {bapp} logged me out again and now won't accept my password
                {bapp} keeps freezing on the tracking screen
                Why does {bapp} need my location 24/7 just to show me a parcel
                The notifications from {bapp} arrive after the parcel does lol
                Tried to rearrange a delivery in {bapp}, got "something went wrong" {n} times
                {bapp} on Android is so laggy, takes ages to load anything
                The verification code from {bapp} never arrives so I can't log in
                {bapp} moved everything around in the last update and now I can't find returns
                {bapp} keeps asking me to rate it while I'm trying to find my parcel
                {bapp} drains my battery like nothing else
                """
            ),
            "neu": lines(
                """
                Is there a dark mode in {bapp}?
                Can you link two accounts in {bapp}?
                Does {bapp} work on iPad?
                New layout in {bapp} {time_ref}, anyone else get it?
                How do you turn off marketing notifications in {bapp}?
                Can you save more than one address in {bapp}?
                Does {bapp} show the driver's name?
                """
            ),
            "pos": lines(
                """
                {bapp} is actually really slick now
                Live tracking in {bapp} is the best of any courier tbh
                The new returns flow in {bapp} took me about 30 seconds
                {bapp} lets you pick a safe place and it's actually respected, love it
                Rescheduled a delivery in {bapp} in two taps. Easy
                {bapp} widget on my home screen is so handy
                """
            ),
        },
        "support": {
            "neg": lines(
                """
                {n} days and no reply from {b} support
                {b} chatbot just loops me back to the FAQ
                Spent 45 minutes on hold with {b} before getting cut off
                {b} support closed my ticket as "resolved". It is not resolved
                Every time I contact {b} I get a different answer
                {b} support told me to "wait another 48 hours". That was a week ago
                Emailed {b} {n} times, got the same copy-paste reply every time
                No phone number, useless chatbot, ignored emails. How is {b} allowed to operate like this
                {b} support asked me for a photo of the parcel I never received
                The {b} live chat disconnected me right as I got to a human
                """
            ),
            "neu": lines(
                """
                What's the best way to actually reach {b} support? Email or chat?
                Does {b} have a phone number or is it chat only?
                How long do {b} usually take to reply to a claim?
                Raised a ticket with {b} {time_ref}, will see what they say
                Is there a {b} support email for business accounts?
                """
            ),
            "pos": lines(
                """
                {b} support sorted my missing parcel in about ten minutes
                Shoutout to {agent} on the {b} live chat, absolute star
                Actually got a real human on {b} chat and they fixed it straight away
                {b} support refunded me without any hassle
                Was ready to kick off but {b} support were lovely and sorted a redelivery
                {b} replied to my DM within the hour and had a driver back out the same day
                """
            ),
        },
        "price": {
            "neg": lines(
                """
                {b} charging {money} for "priority" that arrives the same day as standard
                Delivery fees with {b} have crept up again
                {money} to send a small box with {b}? Is this a joke
                {b} Plus went up to {money} a month and I'm not sure what I'm getting now
                Got charged twice for the same label on {b}
                {b} charged me a {money} "redelivery fee" for a delivery they never attempted
                """
            ),
            "neu": lines(
                """
                How much is {b} Plus these days?
                Is it cheaper to send with {b} or the post office?
                Does {b} charge extra for weekend delivery?
                {b} price for a medium parcel is {money} if anyone's wondering
                Do {b} do discounts for sending in bulk?
                """
            ),
            "pos": lines(
                """
                {b} is still the cheapest way to send a parcel in my experience
                {b} Plus has already paid for itself with free next day
                Sent a parcel to {town} for {money} with {b}, pretty good value
                {b} business rates are really fair for a small shop like mine
                """
            ),
        },
        "staff": {
            "neg": lines(
                """
                {driver} threw the box over the gate. It had {fragile} written on it
                {driver} didn't even get out of the van, just marked it as "no one home"
                Watched on my doorbell cam as {driver} put a card through without knocking
                The {b} courier was rude as anything when I asked him to wait a sec
                {driver} left {item} on {place} and then drove off. In the rain
                {b} driver parked across my drive for 20 minutes and shouted at me when I asked him to move
                """
            ),
            "neu": lines(
                """
                Do {b} drivers get paid per parcel?
                Anyone here drive for {b}? What's it like?
                Is {b} hiring couriers in {town}?
                Saw a {b} van doing about 20 drops on one street in {town}
                Do {b} drivers use their own cars?
                """
            ),
            "pos": lines(
                """
                Our {b} driver always leaves stuff in the porch, legend
                {driver} helped my nan carry the box inside. Proper nice
                The {b} courier waved at my son who is obsessed with vans, made his whole week
                Big shoutout to the {b} driver for our area, never had an issue
                {driver} messaged to say they'd be 10 min late. Small thing but appreciated
                The {b} driver waited while I ran down three flights of stairs, hero
                """
            ),
        },
        "refund": {
            "neg": lines(
                """
                {b} still hasn't refunded me for {item} they lost {time_ref}
                Lost parcel claim rejected by {b} because I "didn't provide proof". Proof of what?
                {b} want me to wait 28 days before they'll even investigate
                Refund from {b} was {money} for something worth £80. Cheers
                {b} says the refund is "processing". It's been processing for {days}
                """
            ),
            "neu": lines(
                """
                How long does a {b} refund usually take to come through?
                Do you claim from {b} or the seller if a parcel is lost?
                Lost parcel claim submitted with {b}, fingers crossed
                Does {b} refund the delivery fee if it's late?
                """
            ),
            "pos": lines(
                """
                {b} refunded me the same day for a lost parcel, didn't expect that
                Claim approved by {b} in 2 days, no drama
                {b} refunded the delivery fee without me even asking
                """
            ),
        },
        "feature": {
            "neg": lines(
                """
                The new {b} lockers are always full
                Nobody asked {b} to add an AI chat assistant. Give me a human
                {b} removed the option to choose a delivery day, why
                The new {b} "green delivery" option just means it turns up three days later
                """
            ),
            "neu": lines(
                """
                {b} are rolling out parcel lockers in {town} apparently
                Has anyone tried the {b} lockers yet?
                {b} now does QR code returns, no printer needed
                Is the {b} "green delivery" option actually different or just marketing?
                {b} testing Sunday deliveries in some areas?
                """
            ),
            "pos": lines(
                """
                {b} finally added a "leave with neighbour" option 🙌
                The new {b} parcel lockers are so convenient
                Love that {b} lets you send returns without a printer now
                {b} locker at my {shop} is a game changer for night shifts
                The {b} "in-flight" address change feature just saved me
                """
            ),
        },
        "promo": {
            "neg": lines(
                """
                The {b} "free delivery" promo has so many exclusions it's pointless
                Signed up for a {b} promo and got charged full price anyway
                {b} referral credit never showed up
                """
            ),
            "neu": lines(
                """
                Anyone got a {b} discount code?
                Does the {b} student discount still exist?
                {b} doing free returns until the end of the month apparently
                Is the {b} Plus free trial worth it?
                """
            ),
            "pos": lines(
                """
                Got 20% off my first send with {b} using a code, nice
                {b} referral credit came through, free delivery for a month
                {b} Plus trial is actually decent
                """
            ),
        },
        "quality": {
            "neg": lines(
                """
                {item} arrived with a massive dent in the box via {b}
                Box looked like it had been used as a football. Thanks {b}
                Sent a fragile parcel with {b}, it arrived in pieces
                {b} managed to crush a box that said {fragile} on every side
                """
            ),
            "neu": lines(
                """
                What's the best way to pack something fragile for {b}?
                Is {b} insurance worth it for electronics?
                Does {b} have size limits for parcels?
                """
            ),
            "pos": lines(
                """
                Sent my grandma's vase with {b} and it arrived in one piece, amazed
                Everything always arrives in perfect condition with {b}
                {b} handled {item} really carefully, box looked brand new
                """
            ),
        },
        "experience": {
            "neg": lines(
                """
                The {b} drop-off point at my {shop} never has a working scanner
                Queued 25 minutes at a {b} drop-off to send one parcel
                The {b} locker ate my parcel and won't open
                """
            ),
            "neu": lines(
                """
                Where's the nearest {b} drop-off in {town}?
                Can you drop {b} parcels at any {shop} or only some?
                Do {b} drop-off points print labels?
                """
            ),
            "pos": lines(
                """
                Dropping off with {b} at the {shop} takes 30 seconds, love it
                Super smooth experience sending with {b} today
                The {b} drop-off at my {shop} is open till 11pm, so handy
                """
            ),
        },
        "question": {
            "neu": lines(
                """
                Does anyone know if {b} delivers to PO boxes?
                What time does {b} stop delivering?
                Is {b} any good? The seller only offers them
                Do {b} deliver to the Channel Islands?
                Can you send a parcel with {b} without an account?
                Does {b} do collections from home?
                Is {b} the one with the orange vans?
                How do I add a safe place on {b} if I don't have the app?
                """
            ),
        },
        "news": {
            "neu": lines(
                """
                {B} to open 500 parcel lockers across the UK before Christmas {url}
                {B} reports record parcel volumes ahead of peak season {url}
                {B} to raise Plus subscription price from November {url}
                Interesting read on how {B} plans its van routes {url}
                {B} CEO interview about same-day delivery expansion {url}
                {B} trials electric cargo bikes in {town} {url}
                {B} hiring 3,000 seasonal drivers for peak {url}
                {B} partners with independent shops for drop-off points {url}
                """
            ),
        },
        "compare": {
            "neg": lines(
                """
                Switched from {c} to {b} and regretting it already
                {c} never lost a parcel of mine, {b} has lost three
                {b} is slower than {c} and more expensive, make it make sense
                Every seller using {b} instead of {c} now and it's so much worse
                """
            ),
            "neu": lines(
                """
                {b} or {c} for sending to Ireland?
                Is {b} better than {c}? Seller gives me the option
                Anyone compared {b} and {c} prices recently?
                {c} vs {b} for a small online shop, which do you use?
                """
            ),
            "pos": lines(
                """
                {b} is miles better than {c} in my area
                Moved from {c} to {b}, no regrets
                {b} tracking > {c} tracking, not even close
                """
            ),
        },
    },
    "details": {
        "neg": lines(
            """
            No photo, no card through the door, nothing.
            My doorbell cam shows nobody came.
            The seller says it's out of their hands.
            It was a birthday present.
            Tracking hasn't updated since {weekday}.
            I was in all day.
            The driver didn't even knock.
            It's sat in a depot somewhere in {town} apparently.
            Had to order a second one from somewhere else.
            Neighbours haven't seen it either.
            The photo shows a door that isn't mine.
            It's been "with the courier" since {weekday}.
            I paid for next day.
            Asked for the porch, it went on the step.
            The box was soaked through.
            Tried ringing the depot, no answer.
            The seller has already refunded me, which says it all.
            I literally work from home so there's no excuse.
            This was for a birthday on {weekday}.
            The parcel weighs about as much as a sandwich.
            """
        ),
        "neu": lines(
            """
            Ordered it on {weekday}.
            The seller only offers this courier.
            It's a fairly small parcel.
            Tracking says "in transit".
            I'm in {town} if that matters.
            Never used them before.
            Just want to know whether to stay in.
            It's not urgent, just curious.
            The seller said 2-3 working days.
            Usually I use the post office.
            """
        ),
        "pos": lines(
            """
            Came with a photo of where they left it.
            Tracking was spot on.
            The driver even texted ahead.
            Perfect condition.
            Turned up before lunch.
            Box was dry and tucked in the porch.
            Didn't even need to check the app.
            The driver knocked and waited, which is rare these days.
            Turned up while I was still in my pyjamas.
            """
        ),
    },
    "short": {
        "neg": lines(
            """
            {b} lost my parcel again
            {b} never again
            where is my parcel {b}
            {b} tracking is fiction
            {b} support ghosting me
            done with {b}
            {b} 😡📦
            another missing parcel {b}
            {b} please just knock
            """
        ),
        "neu": lines(
            """
            {b} delivering today?
            anyone used {b}?
            {b} lockers any good?
            {b} on sundays?
            what time does {b} deliver till
            """
        ),
        "pos": lines(
            """
            {b} came early!
            love {b} tbh
            {b} never misses
            parcel arrived, thanks {b}
            {b} driver is a legend
            {b} 📦❤️
            """
        ),
    },
    "sarcasm": lines(
        """
        great, third "delivered" parcel I never got. love that for me 🙃
        Love how {b} tracking says "delivered" and my doorstep says otherwise. Such a fun game
        Thanks {b} for delivering {item} to {place}. Really keeps me on my toes
        Oh good, {b} "attempted delivery" while I was literally standing at the door. Amazing service
        Wow {b}, 5 days for next day delivery, truly breaking records
        Nothing says premium service like {b} throwing {item} over the fence
        So glad I paid extra for {b} priority so it could sit in {hub} for 3 days
        Big fan of the new {b} feature where parcels just vanish
        Really enjoying my weekly game of "which neighbour has my {b} parcel"
        10/10 would wait in all day for {b} again. Not.
        Incredible how {b} support can close a ticket without reading it. Talent honestly
        {b} proof of delivery photo: a blurry picture of someone else's door. Perfect
        Absolutely love paying {money} for the privilege of chasing my own parcel. Thanks {b}
        Shoutout to {b} for teaching me patience. {days} and counting
        """
    ),
    "titles": {
        "neg": lines(
            """
            Parcels going missing
            Tracking is useless
            Marked delivered, never arrived
            Drivers don't knock
            Lost my parcel
            Customer service non-existent
            Late every time
            Claims process is a joke
            """
        ),
        "neu": lines(
            """
            Tracking good, drivers hit and miss
            Fine when it works
            Cheap but slow
            Decent app, patchy delivery
            """
        ),
        "pos": lines(
            """
            Fast and reliable
            Tracking is great
            Best courier app
            Always on time
            Easy returns
            Brilliant drivers
            """
        ),
    },
    "review_neu": lines(
        """
        Tracking is usually accurate, though drivers vary a lot.
        Deliveries are mostly on time, occasionally a day late.
        The app is fine, the couriers are hit and miss.
        Returns are easy enough, delivery slots could be better.
        Works well in town, less so out in the villages.
        Price is reasonable for what you get.
        Notifications are useful but sometimes arrive late.
        Good when it works, frustrating when it doesn't.
        """
    ),
    "hashtags": lines("#parcelo\n#delivery\n#parcels\n#onlineshopping\n#courier\n#ecommerce\n#smallbusinessuk"),
    "emoji": lines("📦\n🚚\n🚐\n📬"),
    "foreign_thing": {"es": "mi paquete", "de": "mein Paket", "fr": "mon colis", "pt": "minha encomenda"},
    "foreign_extra": {
        "es": {
            "neg": lines("{b} marcó mi paquete como entregado y nunca llegó"),
            "pos": lines("Mi paquete llegó antes de lo previsto, gracias {b}"),
        },
        "de": {
            "neg": lines("Paket als zugestellt markiert, aber nie angekommen. Danke {b}"),
            "pos": lines("Paket kam einen Tag früher als angekündigt, top {b}"),
        },
        "fr": {"neg": lines("{b} a marqué mon colis comme livré mais je n'ai rien reçu")},
        "pt": {"neg": lines("A {b} marcou a encomenda como entregue e ela nunca chegou")},
    },
    # The planted incident: app update v5.2 (2026-10-13..16), its tail (10-17/18) and aftermath.
    "events": {
        "incident": {
            "neg": lines(
                """
                {bapp} crashes the second I open it since the {ver} update
                Updated to {ver} and now {bapp} won't even open. White screen then it closes
                Is {bapp} crashing on launch for anyone else? Can't see any of my deliveries
                Reinstalled {bapp} {n} times, still crashes on launch. {ver} is completely broken
                Can't open {bapp} at all since {ver}. How am I supposed to track anything??
                Whoever signed off {ver} at {b} needs a word. App is unusable
                {b} pushed {ver} and broke the entire app. Incredible
                iPhone, Android, doesn't matter, {bapp} just crashes on launch
                {b} tracking says my parcel is in {town}. The seller's tracking says {town2}. Make it make sense
                {b} tracking has shown "delivered", "out for delivery" and "at depot" for the same parcel today
                Since the update {b} tracking shows completely wrong statuses
                My {b} tracking has gone backwards. It was "delivered", now it's "awaiting collection"
                The {b} website says one thing, the app (when it opens for 2 seconds) says another
                Marked as delivered at {time_clock}. No parcel, no photo, no driver in sight. {b} what is going on
                That's {n} parcels this week {b} has marked as delivered that never came
                Every {b} parcel on our street today got marked delivered. None of us got anything
                {b} marked {item} as delivered {time_ref2}. It has not been delivered
                Half my neighbours are posting in the local group about {b} parcels marked delivered and missing
                Can't contact {b} support. Chat says "unavailable due to high demand" all day
                On hold with {b} for {hours} hours. Still nothing
                The {b} support inbox must be on fire but SOMEONE should answer
                No email, no chat, no statement. Just silence from {b}
                The {b} status page says "all systems operational". Sure.
                {ver} has been out for days and {b} still hasn't said a word
                How does a company the size of {b} ship an update that crashes on launch
                I run a small shop and all my customers are messaging me about missing {b} deliveries. Nightmare
                Honestly {b} this week is the worst I've seen from any courier
                {b} please roll back {ver}
                The {b} {ver} update is a disaster
                Rolled back to the old version and it works. Why isn't {b} doing this for everyone?
                Got a "your parcel was delivered" email from {b}, nothing came, and now the app won't open to report it
                {bapp} crashes, tracking lies, parcels vanish and support has disappeared. What a week {b}
                Can't report a missing parcel because {bapp} crashes on launch. Can't reach support either. Brilliant
                Who tested {ver}?? Did anyone at {b} even open the app before releasing it
                Tracking for {item} went from "out for delivery" to "delivered" to "return to sender" in one afternoon
                {b} is "delivering" parcels to nobody. {ver} is a joke
                {b} driver told me their handheld is showing everything as delivered too
                """
            ),
            "neu": lines(
                """
                Is {bapp} down for everyone or just me?
                Does anyone know if {b} has said anything about the {ver} issues?
                Can you track {b} parcels on the website while the app isn't opening?
                {B} says it is "aware of an issue with the latest app version" and a fix is coming {url}
                Is there a way to roll back {bapp} to the previous version?
                Anyone had a {b} parcel marked delivered this week actually turn up the next day?
                Reports of {B} app crashes after {ver} update {url}
                How do I report a missing parcel to {b} if the app won't open?
                {b} apparently pausing the {ver} rollout
                Is the {b} website working for tracking? App won't load for me
                Anyone know if {b} are still delivering today or is everything on hold?
                Seller says {b} told them to wait 48 hours before reporting missing parcels
                {B} app outage: what we know so far {url}
                """
            ),
            "pos": lines(
                """
                Fair play to our {b} driver who texted me directly because the app is broken
                Got through to {b} support eventually and they were lovely, refund sorted
                Despite the app chaos my {b} parcel turned up fine today 🙏
                Our {b} driver said they've been told to knock on every door while the app is broken. Nice touch
                Feel for the {b} drivers this week, ours was still cheerful and got everything to us
                """
            ),
        },
        "tail": {
            "neg": lines(
                """
                App's fixed but my parcel from {weekday} is still missing, {b}
                A £5 credit doesn't cover the £60 parcel you lost, {b}
                Still waiting on a reply from {b} about last week's "delivered" parcel
                The hotfix stopped the crash but tracking is still wrong for me
                {ver2} installed and {bapp} still crashes on my phone
                """
            ),
            "neu": lines(
                """
                {B} releases {ver2} hotfix after days of app crashes {url}
                Is {bapp} fixed now or should I wait before updating?
                {b} says all missing parcels from this week will be investigated
                Did everyone get the apology email from {b}?
                Anyone still having problems with {bapp} after {ver2}?
                """
            ),
            "pos": lines(
                """
                {ver2} fixed it, {bapp} opens again 🙌
                Finally fixed! {bapp} works again and my missing parcel turned up
                {b} app back to normal after the hotfix, phew
                Fair play, {b} is refunding everyone who got a "delivered" parcel that never came
                {b} just emailed an apology and a £5 credit. Appreciated
                Got the parcel that was marked delivered on Tuesday. Finally 📦
                Tracking seems accurate again after {ver2}, thank god
                Finally fixed. Took them long enough but {bapp} is working again
                """
            ),
        },
        "after": {
            "neg": lines(
                """
                After the {ver} mess I've moved my shop over to {c}
                Still annoyed about the {b} {ver} week tbh
                Parcel from the {ver} chaos finally turned up. Only took two weeks {b}
                Still waiting on my refund from the {b} app meltdown
                """
            ),
            "neu": lines(
                """
                Did {b} ever explain what went wrong with {ver}?
                {B} publishes review of last week's app outage {url}
                """
            ),
            "pos": lines(
                """
                {b} seems back to normal after last week's chaos
                Credit to {b}, refund for the {ver} lost parcel came through today
                """
            ),
        },
        "titles": {
            "neg": lines(
                """
                Crashes on launch since 5.2
                Latest update broke everything
                v5.2 is broken
                App won't open
                Unusable after update
                Marked delivered, never arrived
                Roll back the update!
                Tracking shows nonsense
                Can't open the app at all
                """
            ),
            "neu": lines("Hoping for a fix\nWas good until the update"),
            "pos": lines("Fixed now, thanks\nBack to normal\nGood support during outage"),
        },
        "foreign": {
            "es": lines("La actualización {ver} de {b} es un desastre, la app no abre"),
            "de": lines("Seit dem Update {ver} öffnet sich die {b} App nicht mehr"),
            "fr": lines("Depuis la mise à jour {ver}, l'appli {b} plante au démarrage"),
            "pt": lines("Desde a atualização {ver} o app da {b} não abre"),
        },
        "slots": {
            "ver": lines("v5.2\n5.2\nv5.2.0\n5.2.0\nV5.2"),
            "ver2": lines("5.2.1\nv5.2.1\nthe 5.2.1 update"),
            "time_ref2": lines("this morning\nat 7am\nyesterday\nan hour ago\nat lunchtime"),
        },
        "hashtags": lines("#parcelofail\n#parceloDown\n#v52\n#parcelo\n#missingparcel"),
    },
}

# ====================================================================================================================
# Brewbird: coffee-shop chain with an order-ahead app and loyalty points.  Competitor: Beanly.
# ====================================================================================================================
BREWBIRD = {
    "slots": {
        "drink": lines(
            """
            oat flat white
            iced latte
            caramel macchiato
            americano
            cortado
            chai latte
            hot chocolate
            cold brew
            maple pecan latte
            double espresso
            cappuccino
            mocha
            matcha latte
            pumpkin spice latte
            honey oat latte
            iced americano
            flat white
            decaf latte
            vanilla cold brew
            gingerbread latte
            """
        ),
        "food": lines(
            """
            cinnamon bun
            almond croissant
            bacon roll
            banana bread
            cheese toastie
            blueberry muffin
            sausage sandwich
            pain au chocolat
            brownie
            avocado toast
            ham and cheese croissant
            cookie
            """
        ),
        # used after the brand name: "Brewbird {branch}" -> "Brewbird on Market Street"
        "branch": lines(
            """
            in {town}
            on {street}
            at {town} station
            near my office
            on the high street
            at the retail park
            by the station
            in {town} city centre
            """
        ),
        "street": lines("High Street\nMarket Street\nChurch Road\nKing Street\nStation Road\nQueen Street\nMill Lane"),
        "money": lines("£4.20\n£4.65\n£5.10\n£3.95\n£5.40\n£6\n£4.85"),
        "points": lines("points\nBird Points\nloyalty points\nstamps"),
        "barista": lines("Ellie\nMo\nKasia\nJordan\nSienna\nDeclan\nPriya\nLewis"),
    },
    "topics": {
        "wait": {
            "neg": lines(
                """
                Ordered ahead on {bapp}, got there 15 minutes later and they hadn't even started it
                Order ahead at {b} {branch} is pointless, still queued for 20 minutes
                {bapp} said my {drink} was ready. It was not. It was not even started
                Mobile orders at {b} {branch} just pile up on the counter while they serve the queue first
                Waited {mins} minutes for one {drink} at {b}. One drink.
                Missed my train waiting for a {drink} at {b} {branch}
                {b} gave my order ahead to someone else and I had to order again
                """
            ),
            "neu": lines(
                """
                Does {b} order ahead work at the station branches?
                How far in advance can you order ahead on {bapp}?
                Is {b} delivery through their own app or only through the delivery apps?
                How long does {b} order ahead usually take at peak times?
                """
            ),
            "pos": lines(
                """
                Order ahead on {bapp} is so handy, walked in and grabbed my {drink} in 10 seconds
                {b} had my order ready before I even got there
                Mobile order at {b} {branch} was ready in 3 minutes, love
                {b} order ahead means I never queue before work anymore
                """
            ),
        },
        "price": {
            "neg": lines(
                """
                {money} for a {drink} at {b} now. Daylight robbery
                {b} charging 45p extra for oat milk in 2026 is wild
                Prices at {b} have gone up again and the cups got smaller?
                {money} for a {food} that's been sat there since 7am, no thanks
                How is a small {drink} at {b} {money}
                """
            ),
            "neu": lines(
                """
                How much is a {drink} at {b} these days?
                Does {b} charge for plant milk?
                Is the {b} subscription worth it if you buy one coffee a day?
                Has {b} put its prices up again?
                """
            ),
            "pos": lines(
                """
                The {b} £2 coffee before 9am deal is unbeatable
                For the quality, {b} is honestly good value
                {b} subscription pays for itself by Wednesday
                {b} meal deal with a {food} is a bargain
                """
            ),
        },
        "app": {
            "neg": lines(
                """
                {bapp} logged me out and wiped my {points}
                {bapp} won't load the menu
                Payment keeps failing in {bapp} but my card works everywhere else
                {bapp} keeps showing the wrong store as nearest
                Why does {bapp} take 4 taps to add oat milk
                {bapp} charged me but the order never went through
                {bapp} crashed at checkout twice this morning
                """
            ),
            "neu": lines(
                """
                Can you pay with Apple Pay in {bapp}?
                Is {bapp} down? Menu won't load
                How do I change my default store in {bapp}?
                Does {bapp} let you save favourite orders?
                """
            ),
            "pos": lines(
                """
                {bapp} redesign is lovely
                Love that {bapp} remembers my usual order
                {bapp} is genuinely the best coffee app I've used
                {bapp} tells you exactly when your drink is ready, so good
                """
            ),
        },
        "support": {
            "neg": lines(
                """
                Emailed {b} about a double charge {days} ago, nothing
                {b} customer service sent me a voucher for 50p off. For a £12 double charge
                {b} support told me to contact the store, the store told me to contact support
                Still waiting for {b} to restore my {points} after the app wiped them
                """
            ),
            "neu": lines(
                """
                What's the best way to contact {b} about a missing points balance?
                Does {b} have a customer service number?
                Who do you email at {b} about a wrong charge?
                """
            ),
            "pos": lines(
                """
                {b} support sorted my missing {points} in a day
                Complained to {b} about a cold drink and they sent me a free drink voucher, fair
                {b} support were super quick about a refund
                Messaged {b} about an allergy question and got a really detailed answer
                """
            ),
        },
        "quality": {
            "neg": lines(
                """
                The {drink} at {b} tasted burnt today
                {b} coffee has gone seriously downhill
                My {drink} from {b} was basically warm milk
                The new {b} beans are so bitter
                {food} from {b} was stale
                {b} {drink} was lukewarm again
                Ordered a {drink} at {b}, got something that tasted like dishwater
                """
            ),
            "neu": lines(
                """
                What beans does {b} use?
                Is the {drink} at {b} sweet?
                Has {b} changed their espresso recipe?
                Does the {b} {food} have nuts in it?
                """
            ),
            "pos": lines(
                """
                The {drink} at {b} is honestly the best in town
                The new {drink} at {b} is dangerously good
                {b} {food} still warm from the oven 😍
                Say what you want about chains but {b} actually makes a decent {drink}
                Maple pecan latte from {b} tastes like autumn in a cup
                {b} {drink} + {food} is the perfect combo
                The {b} autumn menu is elite this year
                """
            ),
        },
        "staff": {
            "neg": lines(
                """
                Barista at {b} {branch} rolled her eyes when I asked for extra hot
                Staff at {b} {branch} were chatting for 10 minutes while the queue went out the door
                Staff at {b} {branch} are always short with students
                Asked for oat milk at {b}, got regular, and the barista argued with me about it
                """
            ),
            "neu": lines(
                """
                Is {b} hiring in {town}?
                Anyone work at {b}? Are the shifts ok?
                Do {b} baristas get tips from the app?
                """
            ),
            "pos": lines(
                """
                The baristas at {b} {branch} are the nicest people, they remembered my order
                Shoutout to {barista} at {b} {branch}, always smiling at 7am
                {b} staff drew a little bird on my cup ❤️
                Barista at {b} made my kid a free babyccino
                {b} staff {branch} handled a massive rush like pros
                """
            ),
        },
        "refund": {
            "neg": lines(
                """
                {b} still hasn't refunded an order they cancelled {time_ref}
                Got charged for a drink I never got and {b} won't refund it
                """
            ),
            "neu": lines(
                """
                How long does a {b} app refund take?
                Can {b} refund to points instead of card?
                """
            ),
            "pos": lines(
                """
                {b} refunded my wrong order instantly in the app
                Drink was wrong, {b} refunded it and remade it, no fuss
                """
            ),
        },
        "feature": {
            "neg": lines(
                """
                {b} removed custom order notes from the app, why
                {b} got rid of the 10th coffee free and replaced it with a points system that's way worse
                The new {b} menu board is impossible to read
                """
            ),
            "neu": lines(
                """
                {b} launching a subscription, unlimited filter coffee for {money} a week
                Does {b} do decaf on every drink now?
                Is the {b} autumn menu out yet?
                {b} trialling table ordering in {town}
                """
            ),
            "pos": lines(
                """
                {b} finally added oat milk as a default option in the app
                Love the new {b} reusable cup discount
                {b} adding table ordering is a great idea
                {b} now shows calories and allergens in the app, so helpful
                """
            ),
        },
        "promo": {
            "neg": lines(
                """
                {b} devalued {points} AGAIN
                My birthday reward from {b} never showed up
                The {b} "loyalty" programme is a joke now, 3x the points for the same drink
                """
            ),
            "neu": lines(
                """
                How many {points} do you need for a free drink at {b}?
                Do {b} {points} expire?
                Is {b} double points on this week?
                """
            ),
            "pos": lines(
                """
                Free birthday drink from {b} ✨
                {b} double points week is my favourite week of the year
                Cashed in my {b} {points} for a free {drink}, happy days
                {b} {points} add up so fast
                """
            ),
        },
        "experience": {
            "neg": lines(
                """
                {b} {branch} is filthy, tables never wiped
                The music at {b} {branch} is so loud you can't hear yourself think
                The wifi at {b} hasn't worked for weeks
                No seats, sticky tables, 20 minute wait. {b} what happened
                """
            ),
            "neu": lines(
                """
                Does {b} {branch} have plug sockets?
                Is {b} laptop friendly?
                What time does {b} {branch} open on Sundays?
                """
            ),
            "pos": lines(
                """
                {b} {branch} is my favourite place to work from
                Cosy corner at {b} with a {drink} on a rainy day 🥰
                The {b} in {town} is so nicely done up
                {b} {branch} always has a seat and a quiet corner
                """
            ),
        },
        "question": {
            "neu": lines(
                """
                Does anyone know if {b} does gluten free {food}?
                What time does {b} close on Sundays?
                Is {b} dog friendly?
                Does {b} do decaf oat lattes?
                Do {b} still do the pastry and coffee meal deal?
                Does {b} do student discount?
                Is the {drink} at {b} seasonal or all year?
                """
            ),
        },
        "news": {
            "neu": lines(
                """
                {B} to open 40 new stores next year {url}
                {B} launches autumn menu with maple pecan latte {url}
                {B} switches to fully compostable cups {url}
                {B} reports strong summer trading {url}
                {B} trialling a drive-thru in {town} {url}
                {B} raises barista pay {url}
                """
            ),
        },
        "compare": {
            "neg": lines(
                """
                {c} does a better {drink} for 50p less than {b}
                Gave {b} another chance, still prefer {c}
                The {b} app is so much clunkier than {c}'s
                """
            ),
            "neu": lines(
                """
                {b} or {c} for a flat white?
                Is {b} loyalty better than {c}'s?
                {b} vs {c} autumn menu, which is better?
                """
            ),
            "pos": lines(
                """
                {b} > {c}, fight me
                Switched from {c} to {b} and the coffee is so much better
                {b}'s app knocks {c}'s into a cocked hat
                """
            ),
        },
    },
    "details": {
        "neg": lines(
            """
            The milk wasn't even steamed properly.
            I had to ask twice for my order.
            There were about ten cups waiting on the counter.
            The cup was half full.
            It tasted like dishwater.
            The pastry was rock hard.
            Missed my train because of it.
            My points still haven't come back.
            Tables were covered in crumbs.
            Nobody said sorry.
            It's the third time this week.
            And they got my name wrong, obviously.
            It was my only treat of the day.
            """
        ),
        "neu": lines(
            """
            Usually go to the {town} one.
            I normally get a {drink}.
            Thinking of trying the autumn menu.
            Usually order ahead on my way to work.
            Not a huge coffee person tbh.
            I've only been a couple of times.
            """
        ),
        "pos": lines(
            """
            Perfect temperature too.
            The latte art was adorable.
            They know my order by heart now.
            Still warm when I got to the office.
            Exactly how I like it.
            Paired with a {food}, perfect morning.
            Best part of my commute.
            The staff were so friendly about it.
            """
        ),
    },
    "short": {
        "neg": lines(
            """
            {b} coffee was cold
            {b} app down again
            {b} points gone 😡
            never again {b}
            burnt coffee again {b}
            {b} queue is insane
            """
        ),
        "neu": lines(
            """
            {b} open yet?
            {b} autumn menu?
            {b} or home brew?
            {b} double points today?
            """
        ),
        "pos": lines(
            """
            {b} {drink} ☕❤️
            love {b} so much
            {b} hits different
            {b} saved my morning
            {drink} season at {b} 🍂
            {b} run ☕
            """
        ),
    },
    "sarcasm": lines(
        """
        Love paying {money} for a {drink} that's 80% ice. Thanks {b}
        Ordered ahead so I could wait in the queue anyway. Genius system {b}
        Great, {bapp} logged me out and ate all my points. Love that for me
        Wow {b}, a whole 3 points for a £5 coffee, so generous
        Nothing like a lukewarm {drink} to start the day. Cheers {b}
        Fantastic, {b} spelled my name wrong AND gave me someone else's drink. Efficient
        So glad {b} "improved" the rewards so I need twice as many points
        Thanks {b} for the free side of cold milk with my hot chocolate
        Amazing how {b} can take 20 minutes to make one {drink}. Craftsmanship
        Oh I love when the {b} app says "ready" and the barista hasn't even heard of my order
        """
    ),
    "titles": {
        "neg": lines(
            """
            Points vanished
            Order ahead is pointless
            App keeps crashing at checkout
            Overpriced now
            Payment issues
            Rewards devalued
            """
        ),
        "neu": lines(
            """
            Great coffee, clunky app
            Good app, slow stores
            Rewards could be better
            Handy but buggy
            """
        ),
        "pos": lines(
            """
            Order ahead is a lifesaver
            Best coffee app
            Love the rewards
            Never queue again
            Great drinks, great app
            """
        ),
    },
    "review_neu": lines(
        """
        Coffee is consistent, the app is a bit slow.
        Order ahead works about half the time at my branch.
        Points are nice to have but take a while to add up.
        Menu is easy to browse, checkout sometimes fails.
        Drinks are fine, nothing special for the price.
        Handy on the commute, though the store picker is annoying.
        The seasonal drinks are hit and miss.
        """
    ),
    "hashtags": lines(
        "#brewbird\n#coffee\n#coffeetime\n#coffeeaddict\n#latteart\n#morningcoffee\n#autumnmenu\n#butfirstcoffee"
    ),
    "emoji": lines("☕\n🥐\n🧁\n🍂\n🐦"),
    "foreign_thing": {"es": "mi pedido", "de": "meine Bestellung", "fr": "ma commande", "pt": "meu pedido"},
    "foreign_extra": {
        "es": {"pos": lines("El café de {b} está buenísimo ☕"), "neg": lines("Café frío otra vez en {b}")},
        "de": {"pos": lines("Der Kaffee bei {b} ist richtig gut"), "neg": lines("Kaffee bei {b} wieder lauwarm")},
        "fr": {"pos": lines("Le café de {b} est excellent"), "neg": lines("Café tiède chez {b}, encore")},
        "pt": {"pos": lines("O café da {b} é maravilhoso"), "neg": lines("Café frio de novo na {b}")},
    },
}

# ====================================================================================================================
# Novabank: mobile-only bank (cards, transfers, savings pots).  Competitor: Kestrel Money.
# ====================================================================================================================
NOVABANK = {
    "slots": {
        "feature": lines(
            """
            savings pots
            round-ups
            virtual cards
            spending insights
            the salary sorter
            instant notifications
            travel mode
            bill splitting
            the credit builder
            joint pots
            """
        ),
        "merchant": lines(
            """
            the supermarket
            a hotel in Lisbon
            my gym
            a petrol station
            the train station
            an online shop
            a restaurant in Madrid
            the chemist
            a car park machine
            the pub
            """
        ),
        "money": lines("£50\n£200\n£1,200\n£35.80\n£600\n£2k\n£15\n£89.99\n£420"),
        "plus": lines("£4.99\n£5.99\n£6.99\n£7"),
        "amount": lines("£300\n£1,500\n£2,400\n£750\n£4k"),
        "rate": lines("4.1%\n3.8%\n4.35%\n3.5%"),
        "transfer": lines(
            """
            a transfer
            my rent payment
            a payment to my landlord
            an international transfer
            a payment to my builder
            money to my sister
            """
        ),
    },
    "topics": {
        "transfers": {
            "neg": lines(
                """
                {transfer} from {b} still pending after {days}
                My salary hit my {b} account 6 hours late and my bills bounced
                New {b} card took {days} to arrive
                International transfer with {b} stuck "in review" for {days}
                {b} put {transfer} on hold for "security checks" with no timeline
                Sent {money} with {b} {time_ref}, recipient still hasn't got it
                """
            ),
            "neu": lines(
                """
                How long do {b} international transfers take?
                Does {b} pay salary early like some banks do?
                When does a new {b} card usually arrive?
                Is there a daily transfer limit on {b}?
                Can {b} send money to a euro account?
                """
            ),
            "pos": lines(
                """
                {b} transfers are instant, every time
                Sent money to my sister in Spain with {b}, arrived in minutes
                Got paid a day early with {b} 🙌
                The new {b} card arrived next day
                {b} international transfers are so much cheaper than my old bank
                """
            ),
        },
        "price": {
            "neg": lines(
                """
                {b} charging {plus} a month for Plus now, no thanks
                Surprise fee for using my {b} card abroad?? Thought it was free
                The {b} exchange rate at weekends is a rip off
                {b} quietly cut the interest rate on pots again
                {b} now charges for cash withdrawals over £200, when did that happen
                """
            ),
            "neu": lines(
                """
                Does {b} charge for ATM withdrawals abroad?
                What's the {b} savings pot rate now?
                Is {b} Plus worth it?
                Does {b} charge for replacement cards?
                """
            ),
            "pos": lines(
                """
                No fees abroad with {b} saved me a fortune in Portugal
                {b} pot rate is better than my old high street bank
                Zero fees, great rate, {b} is hard to beat
                {b} at {rate} on easy access pots is really good right now
                """
            ),
        },
        "app": {
            "neg": lines(
                """
                {bapp} logged me out and now face ID won't work
                {bapp} showed my balance as £0 and I nearly had a heart attack
                Can't log in to {b}, stuck in a verification loop
                {bapp} keeps crashing when I open savings pots
                The transaction list in {bapp} isn't updating
                {bapp} makes me re-verify my identity every other week
                """
            ),
            "neu": lines(
                """
                Can you change your {b} PIN in the app?
                Does {bapp} have a widget?
                Is {b} down? Can't log in
                Can you export statements from {bapp} as CSV?
                """
            ),
            "pos": lines(
                """
                {bapp} is the best banking app I've used
                Love the spending insights in {bapp}
                {bapp} notifications are instant, love seeing the payment pop up as I tap
                {bapp} is so clean compared to my old bank's
                """
            ),
        },
        "support": {
            "neg": lines(
                """
                {b} froze my account and support won't say why
                {b} chat says "we'll get back to you within 24 hours". Day 4.
                Reported a fraudulent payment to {b}, waited {hours} hours for a reply
                {b} support keeps asking me for the same documents
                {b} support has sent me the same copy-paste message {n} times
                """
            ),
            "neu": lines(
                """
                How do you reach {b} if you're locked out of the app?
                Is there a {b} phone line for fraud?
                Does {b} support work weekends?
                """
            ),
            "pos": lines(
                """
                {b} support sorted a fraudulent charge in 20 minutes, very impressed
                Chat with {b} was quick and actually helpful
                {b} reimbursed the scam payment straight away, so relieved
                Shoutout to {agent} at {b} support, sorted my issue in one message
                """
            ),
        },
        "product": {
            "neg": lines(
                """
                My {b} card keeps getting declined at {merchant}
                {b} removed round-ups from the free plan
                {b} {feature} are so confusing
                {b} card declined at {merchant} for no reason, so embarrassing
                The {b} credit builder did absolutely nothing for my score
                """
            ),
            "neu": lines(
                """
                Do {b} {feature} pay interest?
                Does {b} have joint accounts?
                Can {b} do overdrafts?
                How do {b} round-ups actually work?
                """
            ),
            "pos": lines(
                """
                {b} {feature} changed how I save
                Saved £1,400 this year just from {b} round-ups
                {b} virtual cards for subscriptions is genius
                The freeze card button in {b} is so reassuring
                {b} {feature} are actually brilliant for budgeting
                """
            ),
        },
        "security": {
            "neg": lines(
                """
                {b} blocked my card for "suspicious activity" while I was paying for dinner. Embarrassing
                Someone spent {money} on my {b} card and they say I have to wait 15 working days
                {b} locked me out over a "security review" and my rent is due tomorrow
                """
            ),
            "neu": lines(
                """
                Got a text from "{B}" asking for my PIN, that's a scam right?
                Does {b} ever call you?
                How do I report a phishing email pretending to be {b}?
                """
            ),
            "pos": lines(
                """
                {b} flagged a dodgy payment before I'd even noticed, impressive
                Love that {b} lets you block gambling transactions
                {b} caught a scam payment and froze it instantly, thank you
                """
            ),
        },
        "refund": {
            "neg": lines(
                """
                {b} still hasn't returned the money from a failed transfer
                Chargeback with {b} rejected with no explanation
                {money} stuck "pending" on my {b} account for a refund that was sent a week ago
                """
            ),
            "neu": lines(
                """
                How long does a {b} chargeback take?
                Declined payment but the money left my {b} account, will it come back?
                """
            ),
            "pos": lines(
                """
                {b} chargeback approved in 3 days
                Money from a failed payment was back in my {b} account within an hour
                """
            ),
        },
        "feature": {
            "neg": lines(
                """
                The new {b} home screen is awful, where did my pots go
                The ads for {b} loans inside the app are getting annoying
                {b} moved card settings three menus deep, why
                """
            ),
            "neu": lines(
                """
                {b} launching a credit card apparently?
                {b} are adding ISAs next year
                Anyone tried {b} joint pots?
                {b} now lets you get paid into a pot directly
                """
            ),
            "pos": lines(
                """
                {b} joint pots are perfect for me and my partner
                {b} added a salary sorter and it's brilliant
                {b} travel mode is such a nice touch
                {b} subscription tracker found two things I forgot to cancel
                """
            ),
        },
        "promo": {
            "neg": lines(
                """
                {b} referral bonus never arrived
                {b} cashback offers are all for stuff nobody buys
                """
            ),
            "neu": lines(
                """
                Does {b} have a referral bonus at the moment?
                Are {b} cashback offers any good?
                """
            ),
            "pos": lines(
                """
                Got £20 for referring a friend to {b}
                {b} cashback at coffee shops this month, nice
                """
            ),
        },
        "account": {
            "neg": lines(
                """
                Opening a {b} account took 3 attempts at the ID check
                {b} closed my account with no reason given, {amount} stuck
                {b} wants a selfie video AND a utility bill just to open a savings pot
                """
            ),
            "neu": lines(
                """
                How long does {b} verification take?
                Can I use {b} as my main account?
                Can you open a {b} account with a visa?
                """
            ),
            "pos": lines(
                """
                Opened a {b} account in 5 minutes, card on the way
                Moved my salary to {b} and never looked back
                {b} switching service moved all my direct debits over without a hitch
                """
            ),
        },
        "question": {
            "neu": lines(
                """
                Does {b} work with Apple Pay?
                Is {b} FSCS protected?
                Can you get paid into {b} from abroad?
                Does {b} have a sort code and account number?
                Is {b} a real bank or an e-money thing?
                Can you deposit cash into {b}?
                Does {b} do business accounts?
                """
            ),
        },
        "news": {
            "neu": lines(
                """
                {B} hits 3 million customers {url}
                {B} raises savings pot rate to {rate} {url}
                {B} launches in Ireland {url}
                {B} reports first profitable quarter {url}
                {B} to launch a credit card next year {url}
                {B} under pressure over account closures, report says {url}
                """
            ),
        },
        "compare": {
            "neg": lines(
                """
                The {c} app is so much more reliable than {b}
                Moved to {c} after {b} froze my account
                {c} pays more interest than {b} now
                """
            ),
            "neu": lines(
                """
                {b} or {c} for travelling?
                Anyone use both {b} and {c}?
                {c} vs {b} for savings pots?
                """
            ),
            "pos": lines(
                """
                {b} beats {c} on pretty much everything
                Left {c} for {b}, the app is night and day
                {b} support is miles better than {c}'s
                """
            ),
        },
    },
    "details": {
        "neg": lines(
            """
            Rent is due tomorrow.
            I've sent every document they asked for.
            All my bills come out of this account.
            I had to borrow money from {person}.
            The money just says "pending".
            No explanation given.
            I've been with them for {years} years.
            The chat keeps giving me the same scripted answer.
            My direct debits are going to bounce.
            This is my main account.
            I was standing at the till like an idiot.
            """
        ),
        "neu": lines(
            """
            It's my main account now.
            I mainly use it for travel.
            My salary still goes into my old bank for now.
            Considering switching fully.
            Just opened an account last month.
            Mostly using it for savings.
            """
        ),
        "pos": lines(
            """
            The notification popped up the second I paid.
            Everything is so clearly laid out.
            Makes budgeting actually easy.
            No hidden fees at all.
            Money was back in my account within the hour.
            Took two minutes in the app.
            Wish I'd switched years ago.
            """
        ),
    },
    "short": {
        "neg": lines(
            """
            {b} down again
            {b} froze my card 🙄
            {b} why is my salary late
            {b} login loop again
            done with {b}
            """
        ),
        "neu": lines(
            """
            {b} any good?
            {b} down for anyone?
            {b} pot rate?
            is {b} legit?
            """
        ),
        "pos": lines(
            """
            {b} 💸❤️
            love {b} tbh
            {b} paid me early 🙌
            {b} is elite for travel
            {b} round-ups ftw
            """
        ),
    },
    "sarcasm": lines(
        """
        Love when {b} freezes my card at the checkout. Keeps life exciting
        Great, {b} decided my salary needed a little nap before arriving
        Thanks {b} for the "instant" transfer that took three days
        Nothing says "modern bank" like a verification loop that never ends
        So nice of {b} to cut the pot rate again, really feel valued
        Adore how {b} support replies "we understand your frustration" and then does nothing
        Wonderful, {b} flagged my own rent payment as fraud. Again
        Fab, {bapp} logged me out right as I was paying for the taxi
        """
    ),
    "titles": {
        "neg": lines(
            """
            Account frozen with no explanation
            Salary paid late
            Can't log in
            Support won't help
            Card declined constantly
            Transfer stuck for days
            """
        ),
        "neu": lines(
            """
            Good app, slow support
            Great for savings, not for everyday
            Fine as a second account
            Nice features, some bugs
            """
        ),
        "pos": lines(
            """
            Best bank I've used
            Savings pots are great
            Perfect for travel
            Brilliant banking app
            So easy to budget
            """
        ),
    },
    "review_neu": lines(
        """
        Good for savings pots, I still use my old bank for bills.
        The app is clean, support can be slow.
        Transfers are usually quick, occasionally held for checks.
        Fine as a travel card, less sure about it as a main account.
        Features are good but the recent redesign is confusing.
        Interest rate is decent, not the best on the market.
        """
    ),
    "hashtags": lines("#novabank\n#fintech\n#banking\n#savings\n#moneytips\n#challengerbank\n#personalfinance"),
    "emoji": lines("💸\n💳\n🏦\n💰\n📱"),
    "foreign_thing": {
        "es": "mi transferencia",
        "de": "meine Überweisung",
        "fr": "mon virement",
        "pt": "minha transferência",
    },
    "foreign_extra": {
        "es": {"pos": lines("Sin comisiones en el extranjero, {b} es genial")},
        "de": {"neg": lines("{b} hat mein Konto ohne Grund gesperrt")},
        "fr": {"pos": lines("Aucuns frais à l'étranger avec {b}, génial")},
        "pt": {"neg": lines("A {b} bloqueou minha conta sem explicação")},
    },
}

BRANDS = {"parcelo": PARCELO, "brewbird": BREWBIRD, "novabank": NOVABANK}
