"""Phrase bank for the demo sample generator (``generate_sample.py``).

Pure data, no logic besides the tiny ``lines`` helper.  Every list entry is one phrase fragment; fragments are
combined by the generator (opener + core + detail + closer + emoji/hashtags + noise), so nearly every generated text
is unique.

Template syntax (resolved by the generator):

- ``{slot}`` is replaced by a random filler: ``{b}`` a brand alias, ``{bapp}`` "the <brand> app" style phrase,
  ``{B}`` the canonical brand name, ``{c}`` the competitor, ``{url}`` a news link; other slots come from the brand's
  ``slots`` or from ``SLOTS``;
- ``[a|b|c]`` picks one alternative inline.

Sentiment keys are ``neg``, ``neu`` and ``pos``.
"""

from __future__ import annotations


def lines(block: str) -> list[str]:
    """One phrase per non-empty line, surrounding whitespace stripped."""
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


# --------------------------------------------------------------------------------------------------------------------
# Generic slot fillers (brand banks may override or extend them)
# --------------------------------------------------------------------------------------------------------------------
SLOTS: dict[str, list[str]] = {
    "n": lines("2\n3\n4\n5\n6\ntwo\nthree\nfour\nfive"),
    "days": lines(
        """
        3 days
        three days
        a week
        over a week
        5 days
        two days
        nearly two weeks
        four days
        10 days
        six days
        9 days
        """
    ),
    "hours": lines("2\n3\ntwo\nthree\n1.5\nfour"),
    "mins": lines("15\n20\n25\n30\n40\ntwenty\n35"),
    "months": lines("6\n8\n18\ntwo\nthree\nsix\nnine\n12\n14"),
    "years": lines("2\n3\ntwo\nthree\nfour\n5"),
    "time_ref": lines(
        """
        this morning
        yesterday
        last night
        on Tuesday
        at lunch
        earlier
        today
        last week
        on Friday
        over the weekend
        on Monday
        two days ago
        """
    ),
    "weekday": lines("Monday\nTuesday\nWednesday\nThursday\nFriday\nSaturday\nSunday"),
    "time_clock": lines(
        """
        8:14am
        10:52
        13:07
        2:36pm
        4:41pm
        11:03
        7:58pm
        9:20am
        12:15
        5:47pm
        3pm
        noon
        6:12pm
        """
    ),
    "town": lines(
        """
        Leeds
        Bristol
        Manchester
        Glasgow
        Cardiff
        Norwich
        Brighton
        Sheffield
        Leicester
        Nottingham
        Bath
        Newcastle
        Belfast
        Edinburgh
        Reading
        Coventry
        Milton Keynes
        York
        Derby
        Swindon
        Plymouth
        Oxford
        Southampton
        Hull
        Stoke
        Exeter
        Luton
        Croydon
        Bolton
        Aberdeen
        Cambridge
        Wolverhampton
        """
    ),
    "person": lines(
        """
        my mum
        my partner
        my flatmate
        my neighbour
        my sister
        my dad
        my husband
        my wife
        my boyfriend
        my girlfriend
        a colleague
        my nan
        a mate
        my brother
        """
    ),
    "agent": lines("Jamie\nPriya\nTom\nAisha\nConnor\nMegan\nDan\nSofia\nLiam\nHannah\nRaj\nChloe\nOwen\nFatima"),
}

# --------------------------------------------------------------------------------------------------------------------
# Generic openers / closers / details / short posts (all brands)
# --------------------------------------------------------------------------------------------------------------------
OPENERS = {
    "neg": lines(
        """
        ugh
        Ugh.
        Honestly
        ngl
        tbh
        Not gonna lie,
        Right, so
        Seriously,
        Unbelievable.
        Rant incoming:
        PSA:
        So fed up.
        Absolutely fuming.
        smh
        istg
        Again.
        Every. Single. Time.
        I'm done.
        Just my luck.
        Great start to the day.
        Not impressed.
        This is a joke.
        Genuinely baffled.
        Sigh.
        Rant:
        Well that's annoying.
        fr
        Okay I need to vent.
        Long rant, sorry.
        Absolute shambles.
        Ffs.
        Unreal.
        Can't believe this.
        Not again.
        Wow.
        Another day, another issue.
        Just a heads up,
        Be warned:
        Hate to moan but
        I'm usually patient but
        Not to be dramatic but
        bruh
        Why is it that
        Can we talk about how
        Is it just me or
        So apparently
        Mate.
        Cheers for nothing.
        Update, because nothing has changed:
        Still annoyed about this.
        Warning to anyone thinking of using them:
        """
    ),
    "neu": lines(
        """
        Quick question:
        Random q:
        Hi all,
        Hey,
        Question for the group:
        So
        Just wondering,
        Curious:
        FYI
        Update:
        For what it's worth,
        Heads up:
        Not sure where else to ask, but
        Genuine question:
        Slightly random, but
        Hi everyone!
        Okay so
        Noob question:
        Sorry if this has been asked before,
        Small thing:
        Out of interest,
        Hmm.
        Apologies if wrong sub,
        Morning all.
        Evening all,
        Quick one:
        Throwing this out there:
        Probably a silly question but
        Bit of a random one:
        Saw this earlier:
        Interesting.
        """
    ),
    "pos": lines(
        """
        Gotta say,
        Honestly
        ngl
        Shoutout time:
        Credit where it's due,
        Okay I'm impressed.
        Love this.
        Small win today:
        Wholesome moment:
        Pleasantly surprised.
        Didn't expect this but
        Update: all sorted!
        10/10.
        Big fan.
        lowkey
        fr
        Happy customer here.
        Little appreciation post:
        Good news for once:
        Just want to say
        Wow.
        Yay!
        Genuinely
        Okay,
        Not gonna lie,
        Honestly can't fault it.
        Kudos to the team.
        Positive post for a change:
        Can confirm,
        Not an ad, but
        Have to give credit:
        Faith in humanity restored:
        """
    ),
}

CLOSERS = {
    "neg": lines(
        """
        Never again.
        Absolutely ridiculous.
        Sort it out {b}.
        Sort it out.
        Do better.
        Deleting the app.
        Beyond frustrated.
        What a joke.
        So done with this company.
        Not good enough.
        Can't believe I'm paying for this.
        I give up.
        Fuming.
        Why is this so hard??
        Unacceptable tbh.
        Worst service ever.
        Expect better from a company this size.
        Switching to {c}.
        Looking at {c} now tbh.
        Anyone else?
        Is it just me?
        Zero stars if I could.
        Honestly embarrassing.
        This is the last straw.
        Seriously considering leaving.
        Thanks for nothing.
        Rant over.
        Ridiculous.
        Not happy.
        Will be complaining.
        Hope someone from {b} reads this.
        Answer your DMs!
        What am I paying for?
        So much for "customer first".
        Just awful.
        Every time.
        Shocking.
        Sick of it.
        smh
        Genuinely lost for words.
        Absolute clown show.
        Pathetic.
        Do you even test this stuff?
        How is this acceptable in 2026?
        Rant over, for now.
        I'm so tired.
        Sort. It. Out.
        Lesson learned.
        """
    ),
    "neu": lines(
        """
        Thanks in advance!
        Any ideas?
        Cheers.
        Thanks!
        Appreciate any help.
        Just curious.
        Let me know.
        TIA
        Anyone?
        Would be good to know.
        Cheers all.
        Will report back.
        No big deal, just wondering.
        Thanks x
        Ta.
        Interested to hear experiences.
        Edit: typo
        Hope that helps someone.
        Make of that what you will.
        We'll see.
        Fingers crossed.
        Thoughts?
        Worth knowing.
        Not fussed either way.
        Any tips welcome.
        Cheers in advance.
        """
    ),
    "pos": lines(
        """
        Love it.
        10/10 would recommend.
        Highly recommend.
        Keep it up {b}!
        Thank you {b}!
        Made my day.
        Happy days.
        Genuinely impressed.
        Will definitely use again.
        Faith restored.
        Big thumbs up.
        Couldn't ask for more.
        Legends.
        Customer for life.
        Chef's kiss.
        No complaints here.
        That's how you do it.
        More of this please.
        Absolute legends.
        So pleased.
        Great stuff.
        Nailed it.
        Brilliant.
        Can't fault them.
        Proper service.
        Fair play.
        A+.
        Made up with it.
        Well done team.
        Impressed tbh.
        Never going back to {c}.
        Happy camper.
        Top marks.
        """
    ),
}

DETAILS = {
    "neg": lines(
        """
        This is the third time this month.
        Not the first time either.
        I've been a customer for years.
        Nobody seems to care.
        And of course no one replies.
        It's honestly exhausting.
        I just want it to work.
        How hard can it be?
        Every week there's something.
        Had to take time off work for this.
        Still no update.
        No apology, nothing.
        I've wasted my whole lunch break on this.
        It used to be so good.
        Genuinely don't know what to do now.
        Screenshot in the comments.
        Absolute waste of time.
        I'm not even angry anymore, just tired.
        The worst part is nobody takes responsibility.
        I've told everyone I know to avoid them.
        My patience is completely gone.
        I shouldn't have to chase this.
        Feels like they've stopped caring.
        It's been like this for weeks.
        Why do I keep giving them chances.
        And they wonder why people are leaving.
        """
    ),
    "neu": lines(
        """
        Not complaining, just curious.
        Asking for a friend.
        Haven't used it much yet.
        Saw it mentioned somewhere.
        Would be useful to know before I sign up.
        Couldn't find anything on their website.
        The FAQ doesn't really say.
        Might just be me.
        Posting in case anyone else wonders.
        I'll update if I hear back.
        It's not urgent.
        Had a look around but no luck.
        Can't find a clear answer anywhere.
        Just trying to plan ahead.
        Been using it for a couple of months.
        Open to other suggestions.
        """
    ),
    "pos": lines(
        """
        Didn't expect that at all.
        Genuinely made my day.
        That's how it should be done.
        Everything just works.
        Really impressed.
        Zero hassle.
        Wish every company was like this.
        Will be telling everyone.
        Can't recommend them enough.
        Honestly so easy.
        Took less than five minutes.
        Way better than I expected.
        Small thing but it makes a difference.
        Been with them a while now and no issues.
        They've really upped their game.
        Such a relief.
        """
    ),
}

SHORT = {
    "neg": lines(
        """
        {b} is a joke
        sort it out {b}
        not again {b}
        {b} why
        actually done with {b}
        {b} ffs
        come on {b}
        {b} what is this
        {b} = pain
        hate {b} rn
        {b} never fails to disappoint
        {b} you're killing me
        worst week with {b}
        {b} are useless
        how is {b} this bad
        {b} sort yourselves out
        """
    ),
    "neu": lines(
        """
        {b} anyone?
        is {b} down?
        {b} thoughts?
        {b} worth it?
        thoughts on {b}?
        {b} or {c}?
        anyone tried {b}?
        {b} any good?
        {b} update out
        hearing mixed things about {b}
        what's up with {b} today
        {b} news today
        """
    ),
    "pos": lines(
        """
        {b} ftw
        obsessed with {b}
        {b} never disappoints
        shoutout {b}
        big up {b}
        {b} you beauty
        love you {b}
        {b} is elite
        {b} came through
        {b} stays winning
        nothing but love for {b}
        thank you {b}!!
        {b} doing it right
        """
    ),
}

# Joiners for mixed posts: "to_neg" introduces a negative clause after a positive one, "to_pos" the reverse.
MIXED_JOINERS = {
    "to_neg": lines(
        """
        , but
        . Only thing is,
        ... although
        , however
        . Mind you,
        . Shame that
        , though annoyingly
        . Downside is
        """
    ),
    "to_pos": lines(
        """
        , but
        . That said,
        . On the other hand,
        . Then again,
        . To be fair,
        , although to be fair
        . Credit where due though,
        """
    ),
}

# Titles for neutral (question) Reddit posts.
REDDIT_TITLES_NEU = lines(
    """
    Quick question
    Question about {B}
    {B} question
    Anyone know?
    Help please
    Newbie question
    Is this normal?
    Can anyone help?
    {B} - quick q
    Silly question probably
    Need some advice
    """
)

EMOJI = {
    "neg": lines("😡\n🙄\n😤\n😩\n🤬\n😒\n😞\n💀\n🤦‍♀️\n🤦‍♂️\n😑\n👎\n😭\n🫠\n😠"),
    "neu": lines("🤔\n👀\n🤷\n🤷‍♀️\n🙏\n😅\n🧐"),
    "pos": lines("❤️\n🔥\n👍\n😍\n🙌\n😊\n🥰\n✨\n💯\n👏\n😂\n🎉\n🙏\n💕"),
    "sarcasm": lines("🙃\n🙂\n👏\n✨\n👌\n🤡\n😌"),
}

HASHTAGS = {
    "neg": lines("#fail\n#customerservice\n#rant\n#neveragain\n#disappointed\n#fuming\n#notgoodenough\n#shambles"),
    "neu": lines("#question\n#help\n#advice\n#askingforafriend\n#news\n#ukbusiness"),
    "pos": lines("#happycustomer\n#recommend\n#shoutout\n#winning\n#goodvibes\n#customerservice\n#thankyou"),
}

# Random links sometimes pasted into posts (screenshots, images).
IMAGE_HOSTS = lines(
    """
    https://i.redd.it/{code}.jpeg
    https://i.redd.it/{code}.png
    https://imgur.com/a/{code}
    https://pbs.twimg.com/media/{code}?format=jpg
    """
)

# --------------------------------------------------------------------------------------------------------------------
# Reviews (generic parts)
# --------------------------------------------------------------------------------------------------------------------
REVIEW_OPENERS = {
    "any": lines(
        """
        I've been using {B} for about {months} months now.
        Been with {B} for {years} years.
        Downloaded this after a friend recommended it.
        I don't usually write reviews, but here goes.
        First time using {B}.
        Long time user here.
        Updated review:
        Edit after a few weeks:
        Honest review:
        Where do I start.
        Writing this so others know what to expect.
        Quick review.
        """
    ),
    "neg": lines(
        """
        I really wanted to like this app.
        Used to love {B} but it's gone downhill.
        Honestly can't believe how bad this has got.
        I rarely leave bad reviews, but this deserves it.
        Changing my review from 4 stars.
        This used to be a five star app.
        Very disappointed.
        """
    ),
    "neu": lines(
        """
        Mixed experience so far.
        It's fine for the basics.
        Some things are great, some not so much.
        Giving three stars for now.
        """
    ),
    "pos": lines(
        """
        Honestly can't fault {B}.
        Switched from {c} a few months ago and so glad I did.
        Really pleased with {B}.
        Five stars, and I don't give those out lightly.
        What a brilliant service.
        """
    ),
}

REVIEW_CLOSERS = {
    "neg": lines(
        """
        Would give zero stars if I could.
        Deleting the app.
        Avoid.
        Fix it please.
        Going back to {c}.
        Really disappointed.
        Sort it out.
        Will update if it gets fixed.
        Save yourself the hassle.
        Not recommended.
        Do not waste your time.
        Absolutely shocking service.
        One star is generous.
        Look elsewhere.
        """
    ),
    "neu": lines(
        """
        Would be 5 stars if they fixed this.
        Hoping the next update improves things.
        Three stars for now.
        Does the job but could be better.
        Will update my review later.
        Not bad overall.
        OK for what it is.
        Decent enough.
        """
    ),
    "pos": lines(
        """
        Highly recommend!
        Five stars from me.
        Keep up the good work.
        Would recommend to anyone.
        Brilliant app.
        Couldn't be happier.
        Thanks {B}!
        Great job.
        Love it.
        Ten out of ten.
        """
    ),
}

# Neutral review sentences (reviews rarely ask questions, so neutral reviews draw on these and on mixed sentences).
REVIEW_NEU = lines(
    """
    It works fine most of the time.
    Does what it needs to do, nothing more.
    Some updates are better than others.
    The basics are fine but it feels a bit unfinished.
    Not the best, not the worst.
    Had a couple of small issues but nothing major.
    It's alright for occasional use.
    Could do with a few more options.
    Layout takes some getting used to.
    I use it a few times a month and it's OK.
    Performance is fine on my phone.
    Customer service was average, neither good nor bad.
    Pretty standard compared to other apps.
    Some features are hidden away in menus.
    It's fine day to day, nothing to rave about.
    A few rough edges but it mostly gets the job done.
    Occasionally slow to load, otherwise OK.
    Some of the recent changes I like, some I don't.
    Nothing special but nothing terrible either.
    Support took a while but got there in the end.
    Would like more control over notifications.
    Works as expected for the most part.
    """
)

REVIEW_TITLES = {
    "neg": lines(
        """
        Terrible
        Avoid
        Used to be good
        Worst app ever
        Disappointed
        Don't bother
        Absolutely useless
        Getting worse
        Fix the app please
        1 star is generous
        Not reliable
        Frustrating
        Rubbish
        Very poor service
        Save yourself the hassle
        Going downhill fast
        Awful customer service
        Never again
        What happened?
        So buggy
        Shocking
        Waste of time
        Not fit for purpose
        Really poor
        """
    ),
    "neu": lines(
        """
        It's ok
        Decent but could be better
        Mixed feelings
        Average
        Does the job
        Fine I guess
        Room for improvement
        Not bad, not great
        OK for now
        Some good, some bad
        Meh
        Works mostly
        Alright
        Could be better
        Middle of the road
        """
    ),
    "pos": lines(
        """
        Love it
        Brilliant
        Excellent service
        Best app
        Five stars
        Great app
        So easy
        Highly recommend
        Never had a problem
        Fantastic
        Really impressed
        Does exactly what it says
        Game changer
        Super handy
        Perfect
        Amazing
        Faultless
        Great service
        """
    ),
}

# --------------------------------------------------------------------------------------------------------------------
# Noise: typos, elongations
# --------------------------------------------------------------------------------------------------------------------
TYPOS: dict[str, str] = {
    "receive": "recieve",
    "received": "recieved",
    "the": "teh",
    "definitely": "definately",
    "separate": "seperate",
    "really": "realy",
    "because": "becuase",
    "tomorrow": "tommorow",
    "literally": "literaly",
    "until": "untill",
    "which": "wich",
    "their": "there",
    "you're": "your",
    "address": "adress",
    "customer": "cusomer",
    "delivery": "delivary",
    "absolutely": "absolutly",
    "experience": "experiance",
    "account": "acount",
    "nothing": "nothign",
    "waiting": "wating",
    "again": "agian",
    "would": "woudl",
    "should": "shoud",
    "probably": "prolly",
    "though": "tho",
    "through": "thru",
    "please": "pls",
    "people": "ppl",
    "minutes": "mins",
    "apparently": "apparantly",
    "business": "buisness",
    "basically": "basicly",
    "embarrassing": "embarassing",
    "weird": "wierd",
    "believe": "beleive",
    "tracking": "trackign",
    "because,": "cos,",
    "anyone": "any1",
    "seriously": "srsly",
    "what": "wat",
    "going": "goin",
    "you": "u",
    "are": "r",
    "thanks": "thx",
}

ELONGATE: dict[str, str] = {
    "so": "o",
    "why": "y",
    "please": "e",
    "no": "o",
    "love": "e",
    "what": "t",
    "yes": "s",
    "long": "o",
    "good": "o",
    "cold": "d",
    "slow": "w",
    "finally": "y",
    "ugh": "h",
    "hate": "e",
    "sorry": "y",
    "nice": "e",
}

# --------------------------------------------------------------------------------------------------------------------
# Names for handles and reviewer names
# --------------------------------------------------------------------------------------------------------------------
FIRST_NAMES = lines(
    """
    Sarah
    James
    Emma
    Oliver
    Chloe
    Harry
    Sophie
    Jack
    Amelia
    Tom
    Lucy
    Daniel
    Grace
    Ryan
    Hannah
    Liam
    Jess
    Mohammed
    Priya
    Aisha
    Ben
    Katie
    Matt
    Ellie
    Sam
    Zara
    Callum
    Megan
    Rhys
    Niamh
    Kieran
    Fiona
    Dev
    Anya
    Marcus
    Leah
    Josh
    Beth
    Omar
    Rosie
    Connor
    Holly
    Adam
    Imogen
    Luke
    Freya
    Nathan
    Georgia
    Alex
    Laura
    Chris
    Nadia
    Jamie
    Gemma
    Owen
    Isla
    Kwame
    Wei
    Tomasz
    Ana
    Lukas
    Camille
    Joao
    Mateo
    """
)

LAST_NAMES = lines(
    """
    Smith
    Jones
    Taylor
    Brown
    Williams
    Wilson
    Johnson
    Davies
    Patel
    Robinson
    Wright
    Thompson
    Evans
    Walker
    White
    Roberts
    Green
    Hall
    Wood
    Jackson
    Clarke
    Khan
    Hughes
    Edwards
    Lewis
    Harris
    Martin
    Cooper
    Hill
    Ward
    Morris
    Moore
    Clark
    Lee
    King
    Baker
    Harrison
    Morgan
    Allen
    Young
    Ahmed
    Murphy
    Kowalski
    Silva
    Nowak
    OConnor
    """
)

HANDLE_ADJ = lines(
    """
    Quiet
    Sleepy
    Lucky
    Grumpy
    Salty
    Cosmic
    Rusty
    Fluffy
    Sunny
    Wild
    Lazy
    Tiny
    Brave
    Spicy
    Mellow
    Frosty
    Witty
    Cheeky
    Shiny
    Dizzy
    Jolly
    Humble
    Angry
    Curious
    Random
    Electric
    Golden
    Silent
    Stormy
    Crispy
    """
)

HANDLE_NOUN = lines(
    """
    Lemon
    Badger
    Otter
    Toast
    Pigeon
    Teapot
    Walrus
    Pancake
    Falcon
    Biscuit
    Panda
    Cactus
    Noodle
    Pixel
    Moose
    Kettle
    Penguin
    Waffle
    Fox
    Hedgehog
    Crumpet
    Marmalade
    Goose
    Raccoon
    Turnip
    Comet
    Dumpling
    Robin
    Parsnip
    Sprout
    Banjo
    Squirrel
    Meerkat
    Gnome
    Onion
    Mango
    """
)

HANDLE_HOBBY = lines(
    """
    runs
    bakes
    reads
    codes
    lifts
    knits
    travels
    games
    cycles
    eats
    writes
    draws
    """
)

APP_STORE_NICKS = lines(
    """
    Disappointed user
    Long time customer
    Happy customer
    Not impressed
    Frustrated user
    Regular user
    Busy mum
    Small business owner
    Student on a budget
    Commuter
    Honest reviewer
    Loyal customer
    Ex customer
    Daily user
    """
)

# --------------------------------------------------------------------------------------------------------------------
# Other languages (~3 % of rows).  {thing} is brand specific, see BRANDS[...]["foreign_thing"].
# --------------------------------------------------------------------------------------------------------------------
FOREIGN = {
    "es": {
        "neg": lines(
            """
            {b} es un desastre últimamente
            Llevo {fn} días esperando {thing} y nadie me dice nada
            La app de {b} se cierra sola desde la última actualización
            El servicio de atención al cliente de {b} no responde, qué vergüenza
            Me han cobrado dos veces y {b} no me devuelve el dinero
            Pésimo servicio, no lo recomiendo
            Cada vez peor, {b}
            No vuelvo a usar {b}, en serio
            Qué mal servicio, {thing} nunca llegó
            Estoy harta de {b}
            """
        ),
        "neu": lines(
            """
            ¿Alguien sabe si {b} funciona en España?
            ¿La app de {b} está en español?
            ¿Cuánto suele tardar {thing} con {b}?
            Probando {b} por primera vez, ya os contaré
            ¿Alguien ha usado {b}? ¿Qué tal?
            ¿Hay algún código de descuento para {b}?
            Acabo de descargar la app de {b}
            """
        ),
        "pos": lines(
            """
            Me encanta {b}, todo perfecto
            {b} funciona genial, muy recomendable
            Muy contenta con {b}, cero problemas
            La app de {b} es súper fácil de usar
            Atención al cliente de {b} de diez, me lo solucionaron en minutos
            ¡Gracias {b}! 10/10
            Servicio rapidísimo, estoy encantado
            """
        ),
        "titles": {
            "neg": lines("Fatal\nNo lo recomiendo\nMuy decepcionado\nUn desastre\nNo funciona"),
            "neu": lines("Está bien\nNormal\nCumple, sin más\nRegular"),
            "pos": lines("¡Genial!\nMuy recomendable\nExcelente\nPerfecta\nMe encanta"),
        },
    },
    "de": {
        "neg": lines(
            """
            {b} ist echt eine Katastrophe
            Warte seit {fn} Tagen auf {thing}, keine Antwort vom Support
            Die {b} App stürzt seit dem Update ständig ab
            Der Kundenservice von {b} reagiert einfach nicht
            Doppelt abgebucht und {b} meldet sich nicht
            Nie wieder {b}
            Wird immer schlimmer mit {b}
            Absolut enttäuscht von {b}
            Was für ein schlechter Service
            """
        ),
        "neu": lines(
            """
            Weiß jemand, ob {b} auch in Deutschland funktioniert?
            Gibt es die {b} App auch auf Deutsch?
            Wie lange dauert {thing} bei {b} normalerweise?
            Hat jemand Erfahrung mit {b}?
            Teste gerade {b}, mal sehen
            Gibt es einen Rabattcode für {b}?
            """
        ),
        "pos": lines(
            """
            {b} ist super, klare Empfehlung
            Bin total zufrieden mit {b}
            Die App von {b} ist richtig gut gemacht
            Schneller und freundlicher Service, danke {b}!
            Top! {b} hat alles sofort gelöst
            Endlich mal ein Anbieter, der einfach funktioniert
            """
        ),
        "titles": {
            "neg": lines("Katastrophe\nFinger weg\nSehr enttäuscht\nFunktioniert nicht\nUnbrauchbar"),
            "neu": lines("Ganz okay\nGeht so\nMittelmäßig\nIn Ordnung"),
            "pos": lines("Super!\nKlare Empfehlung\nSehr gut\nTop App\nBegeistert"),
        },
    },
    "fr": {
        "neg": lines(
            """
            {b} c'est vraiment n'importe quoi
            J'attends {thing} depuis {fn} jours, aucune réponse
            L'appli {b} plante depuis la mise à jour
            Le service client de {b} ne répond jamais
            Débitée deux fois et {b} ne fait rien
            Plus jamais {b}
            De pire en pire chez {b}
            Très déçue de {b}
            Service nul, je déconseille
            """
        ),
        "neu": lines(
            """
            Quelqu'un sait si {b} fonctionne en France ?
            L'appli {b} existe en français ?
            Combien de temps faut-il pour {thing} avec {b} ?
            Quelqu'un a déjà testé {b} ?
            Je teste {b} pour la première fois, on verra
            Un code promo pour {b} ?
            """
        ),
        "pos": lines(
            """
            Super service, merci {b} !
            Très contente de {b}, rien à redire
            L'appli {b} est vraiment bien faite
            Rapide et efficace, je recommande {b}
            Le service client de {b} est au top
            {b}, franchement parfait
            """
        ),
        "titles": {
            "neg": lines("Nul\nÀ éviter\nTrès déçu\nCatastrophique\nNe fonctionne pas"),
            "neu": lines("Correct\nMoyen\nPeut mieux faire\nBof"),
            "pos": lines("Génial\nJe recommande\nExcellent\nParfait\nTrès bien"),
        },
    },
    "pt": {
        "neg": lines(
            """
            A {b} está cada vez pior
            Estou esperando {thing} há {fn} dias e nada
            O app da {b} trava desde a atualização
            O atendimento da {b} não responde
            Cobraram duas vezes e a {b} não resolve
            Nunca mais uso a {b}
            Que serviço horrível
            Muito decepcionada com a {b}
            """
        ),
        "neu": lines(
            """
            Alguém sabe se a {b} funciona em Portugal?
            O app da {b} tem versão em português?
            Quanto tempo demora {thing} com a {b}?
            Alguém já usou a {b}?
            Testando a {b} pela primeira vez
            Tem cupom de desconto pra {b}?
            """
        ),
        "pos": lines(
            """
            Adoro a {b}, tudo perfeito
            Serviço rápido, recomendo a {b}
            O app da {b} é muito fácil de usar
            Atendimento da {b} nota 10
            Muito satisfeita com a {b}!
            A {b} nunca me decepcionou
            """
        ),
        "titles": {
            "neg": lines("Péssimo\nNão recomendo\nDecepcionante\nHorrível\nNão funciona"),
            "neu": lines("Razoável\nMais ou menos\nOk\nPode melhorar"),
            "pos": lines("Excelente\nRecomendo\nÓtimo app\nPerfeito\nMaravilhoso"),
        },
    },
}
FOREIGN_NUMBERS = lines("2\n3\n4\n5\n6\n7\n10")
